/**
 * The benchmark county (bench-data/, gitignored): 2,000 licences against red-line and nature-reserve
 * zones of 2,000,000 vertices, generated once with a fixed seed and reused while its parameters
 * and the generator's sources (scripts/lib) are unchanged. Shared by the benchmarks.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCounty, type CountyOptions } from './lib/county.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH = path.join(ROOT, 'bench-data');
export const PARAMS: CountyOptions = {
  licences: 2000, redlineVertices: 1_400_000, reserveVertices: 600_000, seed: 20240701, reserveBlocks: true,
};
export const benchFile = (name: string): string => path.join(BENCH, name);
const file = benchFile;

/** Parameters plus a hash of the generator's sources: a changed generator means new data. */
function dataStamp(): string {
  const lib = path.join(ROOT, 'scripts', 'lib');
  const h = createHash('sha256');
  for (const f of fs.readdirSync(lib).filter((n) => n.endsWith('.ts')).sort()) h.update(f).update(fs.readFileSync(path.join(lib, f)));
  return JSON.stringify({ ...PARAMS, generator: h.digest('hex').slice(0, 16) });
}

export function ensureData(regenerate: boolean): void {
  const stamp = file('params.json');
  const want = dataStamp();
  const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8') : '';
  const complete = ['licences', 'redline', 'nature_reserve', 'reserve_blocks'].every((n) => fs.existsSync(file(`${n}.shp`)));
  if (!regenerate && have === want && complete) return;
  console.log(`generating bench data into ${path.relative(ROOT, BENCH)}/ …`);
  fs.rmSync(stamp, { force: true });
  const s = generateCounty(BENCH, PARAMS);
  fs.writeFileSync(stamp, want);
  console.log(`  ${s.licences.features} licences, ${s.redline.vertices} + ${s.nature_reserve.vertices} zone vertices, ${s.seconds.toFixed(1)} s`);
}

