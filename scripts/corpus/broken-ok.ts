/**
 * Tricky but valid files: what real bureau data looks like and redline must read correctly
 * (encodings without declarations, upper-case extensions, rings in unusual order or winding,
 * repairable rings).
 */
import { Corpus, E, LICENCES, N, dbfLayout, polygon, polygonRecord, putShapefile, rect, shapefile, withDbf, withShp } from './broken-base.ts';
import type { FeatureCheck } from './broken-manifest.ts';
import type { Pos, ShpSet } from './broken-base.ts';
import iconv from 'iconv-lite';

const NAMES: FeatureCheck[] = [
  { feature: 0, attributes: { 许可证号: 'C1300002011', 矿山名称: '某某铁矿', 面积: 3.75 }, area: 3_750_000, polygons: 1, rings: [2] },
  { feature: 2, attributes: { 许可证号: 'C1300002013', 矿山名称: '丙铜矿' }, area: 250_000 },
];

/** Reverses the order of the points of ring `k` of record `i`, in place. */
function reverseRing(set: ShpSet, shp: Buffer, i: number, k: number): void {
  const r = polygonRecord(set, i);
  const start = shp.readInt32LE(r.parts + 4 * k);
  const stop = k + 1 < r.numParts ? shp.readInt32LE(r.parts + 4 * (k + 1)) : r.numPoints;
  const pts = Array.from({ length: stop - start }, (_, j) => Buffer.from(shp.subarray(r.points + 16 * (start + j), r.points + 16 * (start + j + 1))));
  pts.reverse().forEach((p, j) => p.copy(shp, r.points + 16 * (start + j)));
}

export function okCases(c: Corpus): void {
  const put = (stem: string, set: Partial<ShpSet>, upper = false): string => putShapefile(c, `ok/${stem}`, set, upper);
  const lic = shapefile(c, LICENCES);

  c.add({
    file: put('gbk-no-cpg', { ...lic, cpg: undefined }), case: 'TRICKY: a GBK .dbf without .cpg (and no language byte): detected',
    ok: true, features: 3, encoding: { name: 'gb18030', how: 'detected' }, checks: NAMES,
  });
  c.add({
    file: put('gbk-ldid', withDbf({ ...lic, cpg: undefined }, (b) => void (b[29] = 0x4d))),
    case: 'TRICKY: a GBK .dbf without .cpg whose language byte says GBK (0x4D, as ArcGIS writes)',
    ok: true, features: 3, encoding: { name: 'gbk', how: 'ldid' }, checks: NAMES,
  });
  // GDAL cuts field names at 10 bytes: in UTF-8, 许可证号 and 矿山名称 keep 3 characters
  const utf8 = shapefile(c, LICENCES, { encoding: 'UTF-8' });
  c.add({
    file: put('utf8-cpg-gbk', { ...utf8, cpg: Buffer.from('GBK\r\n') }),
    case: 'TRICKY: a UTF-8 .dbf with a stale .cpg saying GBK: the bytes are valid UTF-8 Chinese, which GBK text never is; names must come out right',
    ok: true, features: 3,
    checks: [{ feature: 0, attributes: { 许可证: 'C1300002011', 矿山名: '某某铁矿' } }, { feature: 2, attributes: { 矿山名: '丙铜矿' } }],
  });
  const asGbk = (bytes: Buffer): string => iconv.decode(bytes, 'gb18030');
  const nameField = utf8.dbf.subarray(64, utf8.dbf.indexOf(0, 64)); // the second field descriptor's name
  c.add({
    file: 'ok/utf8-cpg-gbk.shp', read: { encoding: 'GBK' },
    case: 'TRICKY: the same file with --encoding GBK: the user\'s choice is obeyed, even when wrong',
    ok: true, features: 3, encoding: { name: 'gbk', how: 'option' },
    checks: [{ feature: 0, attributes: { [asGbk(nameField)]: asGbk(Buffer.from('某某铁矿')) } }],
  });
  c.add({
    file: put('UPPER', lic, true), case: 'TRICKY: a shapefile with upper-case extensions (.SHP, .SHX, .DBF, .PRJ, .CPG)',
    ok: true, features: 3, encoding: { name: 'gbk', how: 'cpg' }, checks: NAMES,
  });
  c.add({
    file: put('winding', withShp(lic, (b) => {
      reverseRing(lic, b, 0, 0);
      reverseRing(lic, b, 0, 1);
    })),
    case: 'TRICKY: record 0 has its exterior counter-clockwise and its hole clockwise (wrong way round for a shapefile)',
    ok: true, features: 3, checks: [{ feature: 0, area: 3_750_000, polygons: 1, rings: [2], repairs: null }],
  });
  c.add({
    file: put('hole-first', withShp(lic, (b) => {
      // both rings have 5 points: swapping the two 80-byte point blocks lists the hole first
      const r = polygonRecord(lic, 0);
      const first = Buffer.from(b.subarray(r.points, r.points + 80));
      b.copy(b, r.points, r.points + 80, r.points + 160);
      first.copy(b, r.points + 80);
    })),
    case: 'TRICKY: record 0 lists its hole before its exterior',
    ok: true, features: 3, checks: [{ feature: 0, area: 3_750_000, polygons: 1, rings: [2] }],
  });
  const repeated: Pos[] = [[E, N], [E + 1000, N], [E + 1000, N], [E + 1000, N + 1000], [E, N + 1000], [E, N + 1000], [E, N]];
  const rep = shapefile(c, [{ properties: { 许可证号: 'R1' }, geometry: polygon(repeated) }, LICENCES[1]]);
  c.add({
    file: put('repeated', rep), case: 'TRICKY: a ring with two vertices repeated: removed, and the repair recorded',
    ok: true, features: 2,
    checks: [{ feature: 0, area: 1_000_000, repairs: ['ring 0: 2 repeated vertices removed'] }, { feature: 1, repairs: null }],
  });
  const withNull = shapefile(c, [LICENCES[0], { properties: { 许可证号: 'C-NULL', 矿山名称: '待补' }, geometry: null }, LICENCES[2]]);
  c.add({
    file: put('null-shape', withNull), case: 'TRICKY: record 1 is a null shape: kept in its place, attributes aligned',
    ok: true, features: 3,
    checks: [{ feature: 1, attributes: { 许可证号: 'C-NULL' }, polygons: 0 }, { feature: 2, attributes: { 矿山名称: '丙铜矿' }, area: 250_000 }],
  });
  const { header, size } = dbfLayout(lic.dbf);
  c.add({
    file: put('deleted-record', withDbf(lic, (b) => void (b[header + size] = 0x2a))),
    case: 'TRICKY: record 1 of the .dbf is flagged deleted: kept, so that records stay aligned with shapes',
    ok: true, features: 3, checks: [{ feature: 1, attributes: { 矿山名称: '乙铁矿' }, area: 1_000_000 }, NAMES[1]],
  });
  c.add({
    file: put('trailing-bytes', withShp(lic, (b) => Buffer.concat([b, Buffer.alloc(64, 0x20)]))),
    case: 'TRICKY: the .shp has 64 bytes of padding after the length its header gives',
    ok: true, features: 3, checks: NAMES,
  });
  const z = LICENCES.map((l) => ({
    properties: l.properties,
    geometry: l.geometry && polygon(...(l.geometry.coordinates as Pos[][]).map((r) => r.map(([x, y]) => [x, y, 1200] as Pos))),
  }));
  c.add({
    file: put('polygon-z', shapefile(c, z)), case: 'TRICKY: a PolygonZ shapefile (elevations on every vertex)',
    ok: true, features: 3, kind: 'polygon', checks: NAMES,
  });

  const gj = (name: string, body: string | Buffer): string => {
    c.write(`ok/${name}`, body);
    return `ok/${name}`;
  };
  const unclosed = rect(117.2, 40.1, 0.01).slice(0, 4);
  c.add({
    file: gj('unclosed.geojson', JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: 'C1', properties: { 名称: '某某铁矿' }, geometry: polygon(unclosed) }],
    })),
    case: 'TRICKY: a GeoJSON ring whose last position is not its first: closed, and the repair recorded',
    ok: true, features: 1,
    checks: [{ feature: 0, polygons: 1, rings: [1], repairs: ['ring 0: ring not closed: closed by repeating its first vertex'] }],
  });
  const gbk = iconv.encode(JSON.stringify({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { 许可证号: 'C1300002011', 矿山名称: '某某铁矿' }, geometry: polygon(rect(117.2, 40.1, 0.01)) }],
  }), 'gbk');
  c.add({
    file: gj('gbk.geojson', gbk), case: 'TRICKY: a GeoJSON saved in GBK by a Chinese tool: detected',
    ok: true, features: 1, encoding: { name: 'gb18030', how: 'detected' },
    checks: [{ feature: 0, attributes: { 矿山名称: '某某铁矿' } }],
  });
}
