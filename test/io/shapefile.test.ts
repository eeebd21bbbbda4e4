import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../server/errors.ts';
import { readLayer } from '../../server/io/layer.ts';
import type { Layer } from '../../server/io/layer.ts';
import { signedArea2 } from '../../server/io/rings.ts';
import { makeTempDir, patchFile, polygonRecord, shapefile, square } from './fixtures.ts';
import type { Position, SourceFeature } from './fixtures.ts';

const tmp = makeTempDir('shp');
afterAll(tmp.cleanup);

/** Rings of a feature as arrays of [x, y] pairs, for readable expectations. */
function rings(layer: Layer, i: number): number[][][][] {
  const g = layer.features[i].geometry;
  if (!g) throw new Error(`feature ${i} has no geometry`);
  return g.map((p) => p.map((r) => Array.from({ length: r.length / 2 }, (_, k) => [r[2 * k], r[2 * k + 1]])));
}

const basic: SourceFeature[] = [
  { properties: { name: 'a' }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 10), square(2, 2, 2)] } },
  { properties: { name: 'null shape' }, geometry: null },
  {
    properties: { name: 'b' },
    geometry: { type: 'MultiPolygon', coordinates: [[square(20, 0, 10), square(22, 2, 2)], [square(40, 0, 5)]] },
  },
];

/** Nested: exterior, its hole, an island inside the hole, and the island's own hole. */
const nested: SourceFeature[] = [
  {
    properties: { name: 'nested' },
    geometry: { type: 'MultiPolygon', coordinates: [[square(0, 0, 100), square(10, 10, 80)], [square(20, 20, 60), square(30, 30, 40)]] },
  },
];

/** Reverses the point order of every part of every record: exteriors CCW, holes CW. */
function reverseAllRings(shpPath: string): void {
  const shx = readFileSync(shpPath.replace(/\.shp$/, '.shx'));
  patchFile(shpPath, (shp) => {
    for (let i = 0; i < (shx.length - 100) / 8; i++) {
      const rec = polygonRecord(shp, shx, i);
      if (shp.readInt32LE(rec.content) === 0) continue;
      for (let k = 0; k < rec.numParts; k++) {
        const start = shp.readInt32LE(rec.content + 44 + 4 * k);
        const stop = k + 1 < rec.numParts ? shp.readInt32LE(rec.content + 48 + 4 * k) : rec.numPoints;
        const pts = Array.from({ length: stop - start }, (_, j) => shp.subarray(rec.points + 16 * (start + j), rec.points + 16 * (start + j + 1)));
        const reversed = Buffer.concat(pts.map((b) => Buffer.from(b)).reverse());
        reversed.copy(shp, rec.points + 16 * start);
      }
    }
  });
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('shapefile polygons written by ogr2ogr', () => {
  it('reads exteriors, holes, multipolygons and null shapes, aligned with the DBF', async () => {
    const path = shapefile(tmp.dir, 'basic', basic);
    const layer = await readLayer(path);
    expect(layer.kind).toBe('polygon');
    expect(layer.name).toBe('basic');
    expect(layer.source).toBe(path);
    expect(layer.fields).toEqual(['name']);
    expect(layer.features.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(layer.features.map((f) => f.attributes.name)).toEqual(['a', 'null shape', 'b']);
    expect(layer.features[1].geometry).toBeNull();
    expect(rings(layer, 0).map((p) => p.length)).toEqual([2]);
    expect(rings(layer, 2).map((p) => p.length)).toEqual([2, 1]);
    expect(layer.bbox).toEqual([0, 0, 45, 10]);
    expect(layer.crsHint).toBeNull();
    expect(layer.prj).toMatch(/^GEOGCS\["GCS_WGS_1984"/); // GeoJSON sources are WGS 84
  });

  it('records every file read with its SHA-256, and the .prj text', async () => {
    const path = shapefile(tmp.dir, 'withprj', basic, ['ENCODING=UTF-8'], ['-a_srs', 'EPSG:4490']);
    const layer = await readLayer(path);
    expect(layer.prj).toMatch(/China Geodetic Coordinate System 2000|CGCS2000|China_2000/);
    const exts = layer.files.map((f) => f.path.slice(-4)).sort();
    expect(exts).toEqual(['.cpg', '.dbf', '.prj', '.shp', '.shx'].sort());
    for (const f of layer.files) {
      const bytes = readFileSync(f.path);
      expect(f.bytes).toBe(bytes.length);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('winds exteriors clockwise and holes counter-clockwise, closed', async () => {
    const layer = await readLayer(shapefile(tmp.dir, 'wind', basic));
    for (const f of layer.features) {
      for (const poly of f.geometry ?? []) {
        poly.forEach((ring, k) => {
          expect(Math.sign(signedArea2(ring))).toBe(k === 0 ? -1 : 1);
          expect([ring[0], ring[1]]).toEqual([ring[ring.length - 2], ring[ring.length - 1]]);
        });
      }
    }
  });

  it('organises rings by containment, so wrongly wound files keep their holes', async () => {
    const path = shapefile(tmp.dir, 'nested', nested);
    const before = await readLayer(path);
    reverseAllRings(path);
    const after = await readLayer(path);
    for (const layer of [before, after]) {
      const polys = rings(layer, 0);
      expect(polys.map((p) => p.length)).toEqual([2, 2]);
      expect(polys[0][0]).toContainEqual([100, 100]); // outer exterior
      expect(polys[0][1]).toContainEqual([90, 90]); // its hole
      expect(polys[1][0]).toContainEqual([80, 80]); // island inside the hole
      expect(polys[1][1]).toContainEqual([70, 70]); // the island's hole
    }
    expect(rings(after, 0)).toEqual(rings(before, 0));
  });

  it('reads PolygonZ and PolygonM (Z, M ignored) and drops repeated vertices', async () => {
    const ring: Position[] = [[0, 0, 5], [1, 0, 5], [1, 0, 5], [1, 1, 5], [0, 1, 5], [0, 0, 5]];
    const path = shapefile(tmp.dir, 'polyz', [{ properties: { n: 1 }, geometry: { type: 'Polygon', coordinates: [ring] } }]);
    expect(readFileSync(path).readInt32LE(32)).toBe(15);
    const layer = await readLayer(path);
    expect(layer.kind).toBe('polygon');
    expect(rings(layer, 0)[0][0]).toHaveLength(5);
    const m = shapefile(tmp.dir, 'polym', [{ properties: { n: 1 }, geometry: { type: 'Polygon', coordinates: [ring] } }], [], ['-dim', 'XYM']);
    expect(readFileSync(m).readInt32LE(32)).toBe(25);
    expect(rings(await readLayer(m), 0)).toEqual(rings(layer, 0));
  });

  it('closes an unclosed ring', async () => {
    const path = shapefile(tmp.dir, 'unclosed', [{ properties: { n: 1 }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 1)] } }]);
    const shx = readFileSync(path.replace(/\.shp$/, '.shx'));
    // Overwrite the closing vertex with the one before it: the ring no longer returns to its start.
    patchFile(path, (shp) => {
      const rec = polygonRecord(shp, shx, 0);
      shp.copy(shp, rec.points + 16 * 4, rec.points + 16 * 3, rec.points + 16 * 4);
    });
    const r = rings(await readLayer(path), 0)[0][0];
    expect(r).toHaveLength(5);
    expect(r[0]).toEqual(r[4]);
  });

  it('reads extensions in any case (.SHP, .SHX, .DBF)', async () => {
    const path = shapefile(tmp.dir, 'upper', basic, ['ENCODING=UTF-8']);
    for (const ext of ['shp', 'shx', 'dbf', 'cpg']) renameSync(path.replace(/shp$/, ext), path.replace(/shp$/, ext.toUpperCase()));
    const layer = await readLayer(path.replace(/shp$/, 'SHP'));
    expect(layer.features).toHaveLength(3);
    expect(layer.encoding?.how).toBe('cpg');
  });

  it('reports point and line layers by kind', async () => {
    const pts = shapefile(tmp.dir, 'pts', [
      { properties: { n: 1 }, geometry: { type: 'Point', coordinates: [3, 4] } },
      { properties: { n: 2 }, geometry: { type: 'Point', coordinates: [5, 6] } },
    ]);
    const p = await readLayer(pts);
    expect(p.kind).toBe('point');
    expect(p.features.map((f) => f.geometry)).toEqual([null, null]);
    expect(p.bbox).toEqual([3, 4, 5, 6]);
    const line = shapefile(tmp.dir, 'line', [{ properties: { n: 1 }, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }]);
    expect((await readLayer(line)).kind).toBe('line');
  });
});

describe('shapefile input errors name the file, the feature and the reason', () => {
  it('truncated .shp', async () => {
    const path = shapefile(tmp.dir, 'trunc', basic);
    patchFile(path, (b) => b.subarray(0, b.length - 40));
    const e = await inputError(readLayer(path));
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/truncated/);
    // The header's file length is checked first: it announces more bytes than are there.
    expect(e.message).toMatch(/announces \d+ bytes but the file has \d+/);
  });

  it('truncated .shp whose header was rewritten: the record is named', async () => {
    const path = shapefile(tmp.dir, 'trunc2', basic);
    patchFile(path, (b) => {
      const cut = Buffer.from(b.subarray(0, b.length - 40));
      cut.writeInt32BE(cut.length / 2, 24);
      return cut;
    });
    const e = await inputError(readLayer(path));
    expect(e.file).toBe(path);
    expect(e.feature?.index).toBe(2);
    expect(e.message).toMatch(/feature #2: record extends past the end of the file .* the \.shp is truncated/);
  });

  it('missing .shx', async () => {
    const path = shapefile(tmp.dir, 'noshx', basic);
    rmSync(path.replace(/shp$/, 'shx'));
    const e = await inputError(readLayer(path));
    expect(e.message).toBe(`${path}: the index file noshx.shx is missing (a shapefile needs .shp, .shx and .dbf)`);
  });

  it('missing .dbf', async () => {
    const path = shapefile(tmp.dir, 'nodbf', basic);
    rmSync(path.replace(/shp$/, 'dbf'));
    const e = await inputError(readLayer(path));
    expect(e.message).toContain(path);
    expect(e.message).toContain('nodbf.dbf is missing');
  });

  it('.shp and .dbf record counts disagree', async () => {
    const path = shapefile(tmp.dir, 'count', basic);
    const other = shapefile(tmp.dir, 'count1', basic.slice(0, 1));
    copyFileSync(other.replace(/shp$/, 'dbf'), path.replace(/shp$/, 'dbf'));
    const e = await inputError(readLayer(path));
    expect(e.message).toBe(`${path}: record counts disagree: the .shp has 3 shapes but count.dbf has 1 records`);
  });

  it('a ring with fewer than 4 points', async () => {
    const path = shapefile(tmp.dir, 'short', [
      { properties: { n: 1 }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 1)] } },
      { properties: { n: 2 }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 1), [[0.2, 0.2], [0.4, 0.2], [0.2, 0.2]]] } },
    ]);
    const e = await inputError(readLayer(path));
    expect(e.feature).toEqual({ index: 1 });
    expect(e.message).toBe(`${path}: feature #1: ring 1: a ring needs at least 4 points (3 distinct vertices) but has 3`);
  });

  it('NaN and infinite coordinates', async () => {
    const path = shapefile(tmp.dir, 'nan', basic);
    const shx = readFileSync(path.replace(/shp$/, 'shx'));
    patchFile(path, (shp) => {
      shp.writeDoubleLE(Number.NaN, polygonRecord(shp, shx, 2).points + 16 * 2 + 8);
    });
    const e = await inputError(readLayer(path));
    expect(e.message).toBe(`${path}: feature #2: ring 0: vertex 2 has a non-finite coordinate (30, NaN)`);
    patchFile(path, (shp) => {
      shp.writeDoubleLE(Number.POSITIVE_INFINITY, polygonRecord(shp, shx, 0).points);
    });
    expect((await inputError(readLayer(path))).message).toMatch(/feature #0: ring 0: vertex 0 has a non-finite coordinate \(Infinity, 0\)/);
  });

  it('empty .shp', async () => {
    const path = shapefile(tmp.dir, 'empty', basic);
    writeFileSync(path, Buffer.alloc(0));
    expect((await inputError(readLayer(path))).message).toBe(`${path}: the file is empty (0 bytes)`);
  });

  it('a file that is not a shapefile', async () => {
    const path = shapefile(tmp.dir, 'notshp', basic);
    copyFileSync(path.replace(/shp$/, 'dbf'), path);
    expect((await inputError(readLayer(path))).message).toMatch(/^.*notshp\.shp: not a shapefile file \(file code \d+, expected 9994\)$/);
  });

  it('an .shx that does not match the .shp', async () => {
    const path = shapefile(tmp.dir, 'badshx', basic);
    const shxPath = path.replace(/shp$/, 'shx');
    patchFile(shxPath, (shx) => {
      shx.writeInt32BE(shx.readInt32BE(104 + 8 * 2) + 4, 104 + 8 * 2);
    });
    const e = await inputError(readLayer(path));
    expect(e.file).toBe(shxPath);
    expect(e.message).toMatch(/feature #2: index entry says the record is \d+ bytes but the \.shp record is \d+ bytes/);
  });

  it('the .dbf given instead of the .shp', async () => {
    const path = shapefile(tmp.dir, 'part', basic);
    const dbf = path.replace(/shp$/, 'dbf');
    expect((await inputError(readLayer(dbf))).message).toBe(`${dbf}: this is one part of a shapefile: give the .shp file (or a zip of all its parts)`);
  });

  it('a path that does not exist', async () => {
    const path = join(tmp.dir, '不存在.shp');
    expect((await inputError(readLayer(path))).message).toBe(`${path}: file not found`);
  });
});

describe('speed', () => {
  it('reads a 200,000-vertex polygon, and an exterior with 2,000 holes', async () => {
    const n = 200_000;
    const big: Position[] = Array.from({ length: n }, (_, i) => {
      const a = (2 * Math.PI * i) / n;
      return [500_000 + 1000 * Math.cos(a), 3_000_000 + 1000 * Math.sin(a)];
    });
    big.push(big[0]);
    const holes = Array.from({ length: 2000 }, (_, i) => square(-900 + (i % 50) * 36, -900 + Math.floor(i / 50) * 36, 10).reverse());
    const path = shapefile(tmp.dir, 'big', [
      { properties: { n: 1 }, geometry: { type: 'Polygon', coordinates: [big] } },
      { properties: { n: 2 }, geometry: { type: 'Polygon', coordinates: [square(-1000, -1000, 2000), ...holes] } },
    ]);
    reverseAllRings(path); // force the containment path rather than trusting the winding
    const layer = await readLayer(path);
    expect(layer.features[0].geometry?.[0][0].length).toBe(2 * (n + 1));
    expect(layer.features[1].geometry?.map((p) => p.length)).toEqual([2001]);
  });
});

/*
 * Measured read speed (not a test; run by hand on the project machine, Node 20.20, 2 cores shared
 * with other test runs, warm): one ring of 2,000,000 vertices with 8-digit Gauss-Krüger eastings,
 * written by `ogr2ogr -a_srs EPSG:4527 -lco ENCODING=CP936` (32 MB .shp):
 *   readLayer (read .shp/.shx/.dbf/.prj/.cpg, SHA-256 of each, parse, clean, orient)  85–190 ms
 *   of which readShp (parse + clean + orient + bbox)                                   35–65 ms
 */
