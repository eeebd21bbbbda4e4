/**
 * The corpus of broken and tricky input files (test/fixtures/broken/, made by
 * scripts/make-broken-corpus.ts): every file is either refused with the exact message its
 * manifest entry gives (naming the file, the feature and the reason) or, for tricky but valid
 * files, read correctly. Nothing is ever half-imported: a refusal is an InputError, never a layer.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../server/errors.ts';
import { planeArea } from '../../server/geo/area.ts';
import { parseCrsArg } from '../../server/geo/crs.ts';
import { readLayer } from '../../server/io/layer.ts';
import type { Layer } from '../../server/io/layer.ts';
import { resolveLayerCrs } from '../../server/io/layer-crs.ts';
import type { ResolvedCrs } from '../../server/io/layer-crs.ts';
import type { CorpusCase } from '../../scripts/corpus/broken-manifest.ts';
import { runCli, tempDir } from '../helpers/gdal-fixtures.ts';

const DIR = fileURLToPath(new URL('../fixtures/broken', import.meta.url));
const cases = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as CorpusCase[];
const FLAG = '--licence-crs';

/** A case's name: its file, with the options it is read with when they matter. */
function key(c: CorpusCase): string {
  const read = c.read ? ` ${JSON.stringify(c.read)}` : '';
  const crs = c.crs === undefined ? '' : ` ${FLAG} ${c.crs ?? '(none)'}`;
  return `${c.file}${read}${crs}`;
}

/**
 * Cases where redline does not (yet) do what the manifest says it should: marked it.fails, so
 * the suite stays green and shows them; remove a line once the reader is fixed.
 */
const GAPS = new Set<string>([
  // none open: add a line here (with a `// gap:` comment) for a case redline does not yet meet
]);

const expanded = (s: string): string => s.split('{dir}').join(DIR);
const escaped = DIR.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checkMessage(c: CorpusCase, message: string): void {
  if (c.expect === undefined) throw new Error(`${key(c)}: no expected message in the manifest`);
  if (typeof c.expect === 'string') expect(message).toBe(expanded(c.expect));
  else expect(message).toMatch(new RegExp(c.expect.match.split('{dir}').join(escaped)));
}

/** Reads the case's file as redline does: the layer, then for CRS cases its CRS. */
async function read(c: CorpusCase): Promise<{ layer: Layer; crs: ResolvedCrs | null }> {
  const layer = await readLayer(join(DIR, c.file), c.read ?? {});
  if (c.crs === undefined) return { layer, crs: null };
  return { layer, crs: resolveLayerCrs(layer, c.crs === null ? null : parseCrsArg(c.crs), FLAG) };
}

const out = tempDir('redline-broken-');
afterAll(() => out.remove());

/** `redline screen --licences FILE`: the CLI refuses a layer that is not polygons. */
function screenMessage(c: CorpusCase): string {
  const r = runCli([
    'screen', '--licences', join(DIR, c.file), '--zones', join(DIR, 'ok/gbk-no-cpg.shp'), '--out', join(out.path, 'out'),
  ]);
  expect(r.code).toBe(2);
  const line = r.stderr.split('\n').find((l) => l.startsWith('redline: '));
  expect(line).toBeDefined();
  return (line ?? '').slice('redline: '.length);
}

async function check(c: CorpusCase): Promise<void> {
  if (c.screen) {
    checkMessage(c, screenMessage(c));
    return;
  }
  if (!c.ok) {
    const err = await read(c).then(() => null, (e: unknown) => e);
    if (!(err instanceof InputError)) throw new Error(`expected an InputError, got ${err === null ? 'a layer' : String(err)}`);
    checkMessage(c, err.message);
    return;
  }
  const { layer, crs } = await read(c);
  if (c.features !== undefined) expect(layer.features).toHaveLength(c.features);
  expect(layer.kind).toBe(c.kind ?? 'polygon');
  if (c.encoding) expect(layer.encoding).toEqual(c.encoding);
  if (c.swapped !== undefined) expect(crs?.swapped).toBe(c.swapped);
  if (c.epsg !== undefined) expect(crs?.epsg).toBe(c.epsg);
  for (const f of c.checks ?? []) {
    const feature = layer.features[f.feature];
    expect(feature, `feature #${f.feature}`).toBeDefined();
    if (f.attributes) expect(feature.attributes).toMatchObject(f.attributes);
    const geometry = feature.geometry ?? [];
    if (f.polygons !== undefined) expect(geometry).toHaveLength(f.polygons);
    if (f.rings) expect(geometry.map((p) => p.length)).toEqual(f.rings);
    if (f.area !== undefined) expect(Math.abs(planeArea(geometry) / f.area - 1)).toBeLessThan(1e-9);
    if (f.repairs !== undefined) expect(feature.repairs ?? null).toEqual(f.repairs);
  }
}

describe('broken and tricky input files (test/fixtures/broken)', () => {
  it('has at least 40 cases, and every file in the folder is one (or a part of one) and vice versa', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [relative(DIR, join(dir, e.name))]));
    const onDisk = files(DIR).filter((f) => f !== 'manifest.json');
    const given = new Set(cases.map((c) => c.file));
    // a shapefile's parts belong to the case of its .shp (same folder and stem, any case)
    const stem = (f: string): string => f.replace(/\.[^./]+$/, '').toLowerCase();
    const shapefiles = new Set([...given].filter((f) => /\.shp$/i.test(f)).map(stem));
    expect(onDisk.filter((f) => !given.has(f) && !shapefiles.has(stem(f)))).toEqual([]);
    expect([...given].filter((f) => !onDisk.includes(f))).toEqual([]);
    for (const g of GAPS) expect(cases.map(key), `gap ${g}`).toContain(g);
  });

  const named = cases.map((c) => ({ name: `${key(c)}: ${c.case}`, c }));
  it.each(named.filter((n) => !GAPS.has(key(n.c))))('$name', ({ c }) => check(c));
  it.fails.each(named.filter((n) => GAPS.has(key(n.c))))('$name', ({ c }) => check(c));
});
