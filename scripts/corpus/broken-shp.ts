/**
 * Broken shapefiles: real GBK shapefiles written by ogr2ogr (LICENCES, EPSG:4527), then one part
 * missing, emptied, swapped for another file's, or damaged at a precise byte.
 *
 * Layout of the LICENCES .shp: header 100 bytes; record 0 (two rings of 5 points, 212-byte
 * content) at 100; record 1 (one ring, 128 bytes) at 320; record 2 at 456; 592 bytes in all.
 */
import { Corpus, E, LICENCES, N, dbfLayout, polygon, polygonRecord, putShapefile, rect, record, shapefile, withDbf, withShp } from './broken-base.ts';
import type { ShpSet } from './broken-base.ts';

export function shapefileCases(c: Corpus): void {
  const lic = shapefile(c, LICENCES);
  const put = (stem: string, set: Partial<ShpSet>): string => putShapefile(c, `shp/${stem}`, set);
  const ERR = `{dir}/shp`;

  const f1 = put('truncated', withShp(lic, (b) => b.subarray(0, 500)));
  c.add({
    file: f1, case: 'the .shp is cut off in the middle of its last record (an interrupted copy): its header announces 592 bytes',
    expect: `${ERR}/truncated.shp: truncated: the header announces 592 bytes but the file has 500`,
  });

  const f2 = put('record-cut', withShp(lic, (b) => {
    const cut = b.subarray(0, 500);
    cut.writeInt32BE(250, 24); // the header's length (in 16-bit words) made to agree with the cut
    return cut;
  }));
  c.add({
    file: f2, case: 'the .shp is cut off and its header length patched to match: the last record runs past the end',
    expect: `${ERR}/record-cut.shp: feature #2 (C1300002013): record extends past the end of the file (needs bytes 456–592, the file has 500): the .shp is truncated`,
  });

  c.add({
    file: put('no-shx', { ...lic, shx: undefined }), case: 'the .shx is missing',
    expect: `${ERR}/no-shx.shp: the index file no-shx.shx is missing (a shapefile needs .shp, .shx and .dbf)`,
  });
  c.add({
    file: put('no-dbf', { ...lic, dbf: undefined }), case: 'the .dbf is missing',
    expect: `${ERR}/no-dbf.shp: the attribute table no-dbf.dbf is missing (a shapefile needs .shp, .shx and .dbf)`,
  });
  c.add({
    file: put('empty', { ...lic, shp: Buffer.alloc(0) }), case: 'the .shp is empty (0 bytes)',
    expect: `${ERR}/empty.shp: the file is empty (0 bytes)`,
  });
  c.add({
    file: put('empty-shx', { ...lic, shx: Buffer.alloc(0) }), case: 'the .shx is empty (0 bytes)',
    expect: `${ERR}/empty-shx.shx: the file is empty (0 bytes)`,
  });
  c.add({
    file: put('empty-dbf', { ...lic, dbf: Buffer.alloc(0) }), case: 'the .dbf is empty (0 bytes)',
    expect: `${ERR}/empty-dbf.dbf: the file is empty (0 bytes)`,
  });

  const points = shapefile(c, [
    { properties: { 许可证号: 'P1' }, geometry: { type: 'Point', coordinates: [E, N] } },
    { properties: { 许可证号: 'P2' }, geometry: { type: 'Point', coordinates: [E + 100, N] } },
    { properties: { 许可证号: 'P3' }, geometry: { type: 'Point', coordinates: [E + 200, N] } },
  ]);
  c.add({
    file: put('foreign-shx-type', { ...lic, shx: points.shx }), case: 'the .shx belongs to another shapefile, of points',
    expect: `${ERR}/foreign-shx-type.shx: does not belong to ${ERR}/foreign-shx-type.shp: its shape type is 1, the .shp's 5`,
  });
  const squares = shapefile(c, [0, 1, 2].map((i) => ({ properties: { 许可证号: `S${i}` }, geometry: polygon(rect(E + 3000 * i, N, 1000)) })));
  c.add({
    file: put('foreign-shx', { ...lic, shx: squares.shx }), case: 'the .shx belongs to another polygon shapefile with records of other lengths',
    expect: `${ERR}/foreign-shx.shx: feature #0 (C1300002011): index entry says the record is 128 bytes but the .shp record is 212 bytes: the .shx does not match the .shp`,
  });

  const two = shapefile(c, LICENCES.slice(0, 2));
  c.add({
    file: put('count-mismatch', { ...lic, dbf: two.dbf }), case: 'the .dbf has 2 records, the .shp 3 shapes',
    expect: `${ERR}/count-mismatch.shp: record counts disagree: the .shp has 3 shapes but count-mismatch.dbf has 2 records`,
  });
  c.add({
    file: put('shx-short', { ...lic, shx: two.shx, dbf: lic.dbf }),
    case: 'the .shx indexes only the first 2 of the 3 records of the .shp (the .shx of an older version of the file)',
    expect: { match: `^${ERR}/shx-short\\.(shx: .*\\b2\\b.*\\b3\\b|shp: .*\\.shx.*\\b2\\b.*\\b3\\b)` },
  });

  const { header, size } = dbfLayout(lic.dbf);
  const dbfCut = header + 2 * size + 10;
  c.add({
    file: put('dbf-truncated', withDbf(lic, (b) => b.subarray(0, dbfCut))), case: 'the .dbf is cut off inside its last record',
    expect:
      `${ERR}/dbf-truncated.dbf: feature #2: truncated: the header announces 3 records of ${size} bytes (${header + 3 * size} bytes) ` +
      `but the file has ${dbfCut} bytes; record #2 is cut off`,
  });
  c.add({
    file: put('dbf-record-short', withDbf(lic, (b) => void b.writeUInt16LE(20, 10))),
    case: 'the .dbf header says records are 20 bytes, less than its fields need',
    expect: `${ERR}/dbf-record-short.dbf: corrupt header: the fields take ${size} bytes per record but records are 20 bytes`,
  });
  c.add({
    file: put('dbf-record-long', withDbf(lic, (b) => void b.writeUInt16LE(size + 40, 10))),
    case: 'the .dbf header says records are 40 bytes longer than its fields (and the data) are',
    expect: { match: `^${ERR}/dbf-record-long\\.dbf: .*${size + 40}.*${size}` },
  });
  c.add({
    file: put('dbf-not-dbf', { ...lic, dbf: Buffer.from('Access denied.\r\n\r\n', 'latin1') }),
    case: 'the .dbf is a 18-byte text, not a dBASE table',
    expect: `${ERR}/dbf-not-dbf.dbf: not a dBASE file: 18 bytes, shorter than its 32-byte header`,
  });

  c.add({
    file: put('shape-type', withShp(lic, (b) => void b.writeInt32LE(1, record(lic, 1).content))),
    case: 'record 1 says it is a Point in a Polygon file',
    expect: `${ERR}/shape-type.shp: feature #1 (C1300002012): shape type Point in a file of Polygon shapes`,
  });
  const r0 = polygonRecord(lic, 0);
  c.add({
    file: put('part-past-points', withShp(lic, (b) => void b.writeInt32LE(12, r0.parts + 4))),
    case: 'record 0 has 10 points but its second part is said to start at point 12',
    expect: `${ERR}/part-past-points.shp: feature #0 (C1300002011): corrupt polygon record: part 0 spans points 0–12 of 10`,
  });
  const r1 = polygonRecord(lic, 1);
  c.add({
    file: put('ring-2-points', withShp(lic, (b) => void b.writeInt32LE(2, r1.content + 40))),
    case: 'record 1 is a polygon whose one ring has 2 points',
    expect: { match: `^${ERR}/ring-2-points\\.shp: feature #1 \\(C1300002012\\): ring 0: a ring needs at least 4 points \\(3 distinct vertices\\) but has 2\\b` },
  });
  c.add({
    file: put('nan', withShp(lic, (b) => void b.writeDoubleLE(Number.NaN, r1.points + 2 * 16))),
    case: 'record 1, vertex 2 has x = NaN',
    expect: `${ERR}/nan.shp: feature #1 (C1300002012): ring 0: vertex 2 has a non-finite coordinate (NaN, ${b1y(lic)})`,
  });
  const r2 = polygonRecord(lic, 2);
  c.add({
    file: put('infinity', withShp(lic, (b) => void b.writeDoubleLE(Number.POSITIVE_INFINITY, r2.points + 8))),
    case: 'record 2, vertex 0 has y = Infinity',
    expect: `${ERR}/infinity.shp: feature #2 (C1300002013): ring 0: vertex 0 has a non-finite coordinate (${E + 8000}, Infinity)`,
  });

  // a failed download saved under the name it should have had
  const html = '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n';
  c.add({
    file: put('html', { ...lic, shp: Buffer.from(html) }), case: 'the .shp is an HTML error page (a failed download)',
    expect: `${ERR}/html.shp: not a shapefile file (file code 1008813135, expected 9994)`,
  });

  c.write('shp/given.dbf', lic.dbf);
  c.add({
    file: 'shp/given.dbf', case: 'the .dbf is given instead of the .shp',
    expect: `${ERR}/given.dbf: this is one part of a shapefile: give the .shp file (or a zip of all its parts)`,
  });
  c.write('shp/parcels.mif', 'Version 300\nCharset "WindowsSimpChinese"\nDelimiter ","\nCoordSys Earth Projection 1, 104\nColumns 1\n  名称 Char(20)\nData\n\nRegion 1\n  4\n117 40\n117.1 40\n117.1 40.1\n117 40\n');
  c.add({
    file: 'shp/parcels.mif', case: 'a MapInfo .mif file: an unsupported format',
    // the list of formats grows: only its start is checked
    expect: { match: `^${ERR}/parcels\\.mif: unsupported file type "\\.mif": expected \\.shp, \\.zip .+$` },
  });

  c.add({
    file: put('points', points), case: 'a point shapefile given as licences', screen: true,
    expect: `${ERR}/points.shp: holds point geometries; redline needs polygons here`,
  });
}

/** y of vertex 2 of record 1's ring, as GDAL wrote it. */
function b1y(set: ShpSet): number {
  return set.shp.readDoubleLE(polygonRecord(set, 1).points + 2 * 16 + 8);
}
