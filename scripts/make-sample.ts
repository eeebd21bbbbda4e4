/**
 * Regenerates data/sample/: a small synthetic county committed with the project, for the
 * README's walkthrough, manual testing and fixtures. Deterministic: same seed, same bytes.
 *   node --import tsx scripts/make-sample.ts [--out DIR]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCounty } from './lib/county.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outIdx = process.argv.indexOf('--out');
const out = outIdx > 0 ? path.resolve(process.argv[outIdx + 1]) : path.join(root, 'data', 'sample');

const summary = generateCounty(out, {
  licences: 60,
  redlineVertices: 30_000,
  reserveVertices: 10_000,
  seed: 20240630,
  reserveBlocks: true,
});
console.log(JSON.stringify({ ...summary, exit_areas: undefined }, null, 1));
