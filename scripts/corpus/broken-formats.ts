/**
 * Broken GeoJSON, GDAL-read formats (GeoPackage, KML, DXF, FlatGeobuf) and CSV with WKT: real
 * files written by ogr2ogr, then damaged; a few hand-written where the damage is the point.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Corpus, E, LICENCES, N, convert, ogr2ogr, polygon, rect, source } from './broken-base.ts';
import type { SrcFeature } from './broken-base.ts';

/** Replaces the first `from` in a text (which must hold it). */
function damage(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`"${from}" not found`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

export function geojsonCases(c: Corpus): void {
  const ERR = '{dir}/geojson';
  const text = convert(c, LICENCES, 'out.geojson', ['-f', 'GeoJSON', '-a_srs', 'EPSG:4527', '-lco', 'RFC7946=NO']).toString('utf8');
  const put = (name: string, body: string | Buffer): string => {
    c.write(`geojson/${name}`, body);
    return `geojson/${name}`;
  };

  c.add({
    file: put('syntax.geojson', damage(text, '"C1300002012", ', '"C1300002012" ')),
    case: 'a comma missing between two properties of feature 1: the message gives the line and column',
    expect: `${ERR}/syntax.geojson: not valid JSON (line 7, column 60): Expected ',' or '}' after property value`,
  });
  // Cut where JSON.parse sees the end (after a comma in an array), inside a number, inside a string.
  const third = text.indexOf('39508000');
  c.add({
    file: put('truncated.geojson', text.slice(0, text.indexOf(',', third) + 1)),
    case: 'the GeoJSON is cut off after the comma inside the first position of its last feature',
    expect: `${ERR}/truncated.geojson: not valid JSON: it ends in the middle (truncated?)`,
  });
  c.add({
    file: put('truncated-number.geojson', text.slice(0, third + 4)),
    case: 'the GeoJSON is cut off inside a coordinate (39508000 becomes 3950) of its last feature',
    expect: `${ERR}/truncated-number.geojson: not valid JSON: it ends in the middle (truncated?)`,
  });
  c.add({
    file: put('truncated-string.geojson', text.slice(0, text.indexOf('"C1300002013"') + 5)),
    case: 'the GeoJSON is cut off inside a string (the licence id of its last feature)',
    expect: `${ERR}/truncated-string.geojson: not valid JSON: it ends in the middle (truncated?)`,
  });
  c.add({
    file: put('empty.geojson', ''), case: 'an empty file (0 bytes)',
    expect: `${ERR}/empty.geojson: the file is empty (0 bytes)`,
  });
  c.add({
    file: put('blank.geojson', '\r\n   \r\n'), case: 'a file of blank lines',
    expect: `${ERR}/blank.geojson: the file is empty (no JSON in it)`,
  });
  const fc = (features: object[]): string => JSON.stringify({ type: 'FeatureCollection', features }, null, 1);
  const point = { type: 'Point', coordinates: [E, N] };
  c.add({
    file: put('mixed.geojson', fc([
      { type: 'Feature', id: 'C1', properties: { 名称: '某某铁矿' }, geometry: polygon(rect(E, N, 1000)) },
      { type: 'Feature', id: 'C2', properties: { 名称: '井口' }, geometry: point },
    ])),
    case: 'polygons and points mixed in one layer',
    expect: `${ERR}/mixed.geojson: feature #1 (C2): mixes geometry kinds: Point here, polygon from feature #0 on`,
  });
  c.add({
    file: put('collection.geojson', fc([
      { type: 'Feature', id: 'C1', properties: {}, geometry: { type: 'GeometryCollection', geometries: [polygon(rect(E, N, 1000)), point] } },
    ])),
    case: 'a feature whose geometry is a GeometryCollection',
    expect: `${ERR}/collection.geojson: feature #0 (C1): GeometryCollection is not supported`,
  });
  const ring = rect(E, N, 1000).map(([x, y]) => [x, y] as (number | string | null)[]);
  ring[2] = [String(E + 1000), N + 1000];
  c.add({
    file: put('string-coordinate.geojson', fc([{ type: 'Feature', id: 7, properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }])),
    case: 'a coordinate written as a string ("39501000")',
    expect: `${ERR}/string-coordinate.geojson: feature #0 (7): ring 0, position 2 is not [x, y] numbers: ["39501000",4481000]`,
  });
  const nullRing = rect(E, N, 1000).map(([x, y]) => [x, y] as (number | null)[]);
  nullRing[1] = [E + 1000, null];
  c.add({
    file: put('null-coordinate.geojson', fc([{ type: 'Feature', properties: { id: 'C9' }, geometry: { type: 'Polygon', coordinates: [nullRing] } }])),
    case: 'a y coordinate that is null (what NaN becomes in JSON)',
    expect: `${ERR}/null-coordinate.geojson: feature #0: ring 0, position 1 is not [x, y] numbers: [39501000,null]`,
  });
  c.add({
    file: put('topology.json', JSON.stringify({ type: 'Topology', objects: { 矿权: { type: 'GeometryCollection', geometries: [] } }, arcs: [] })),
    case: 'a TopoJSON file saved as .json',
    expect: `${ERR}/topology.json: not GeoJSON: unknown type "Topology"`,
  });
  c.add({
    file: put('points.geojson', convert(c, [
      { properties: { 许可证号: 'P1' }, geometry: { type: 'Point', coordinates: [117.2, 40.1] } },
      { properties: { 许可证号: 'P2' }, geometry: { type: 'Point', coordinates: [117.3, 40.1] } },
    ], 'out.geojson', ['-f', 'GeoJSON'])),
    case: 'a GeoJSON of points given as licences', screen: true,
    expect: `${ERR}/points.geojson: holds point geometries; redline needs polygons here`,
  });
}

export function gdalCases(c: Corpus): void {
  const ERR = '{dir}/gdal';
  const put = (name: string, body: Buffer | string): string => {
    c.write(`gdal/${name}`, body);
    return `gdal/${name}`;
  };
  const zone: SrcFeature[] = [{ properties: { 编号: 'HX-1', 名称: '生态保护红线' }, geometry: polygon(rect(E + 1000, N - 1000, 2000, 40_000)) }];

  // GeoPackage: two layers, vacuumed into 512-byte pages to keep the corpus small.
  const dir = c.scratch();
  const gpkg = join(dir, 'two.gpkg');
  ogr2ogr(['-f', 'GPKG', '-a_srs', 'EPSG:4527', '-nln', 'licences', gpkg, source(dir, LICENCES, 'licences')]);
  ogr2ogr(['-update', '-a_srs', 'EPSG:4527', '-nln', 'zones', gpkg, source(dir, zone, 'zones')]);
  execFileSync('python3', ['-c', 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1]);c.execute("PRAGMA page_size=512");c.execute("VACUUM");c.close()', gpkg]);
  const two = readFileSync(gpkg);
  c.add({
    file: put('two-layers.gpkg', two), case: 'a GeoPackage of two layers: it must list them',
    expect: `${ERR}/two-layers.gpkg: holds 2 layers, pick one with --layer NAME: licences (3 Polygon), zones (1 Polygon)`,
  });
  c.add({
    file: 'gdal/two-layers.gpkg', read: { layer: 'roads' }, case: 'a GeoPackage asked for a layer it does not hold',
    expect: `${ERR}/two-layers.gpkg: no layer "roads"; it holds: licences (3 Polygon), zones (1 Polygon)`,
  });
  c.add({
    file: 'gdal/two-layers.gpkg', read: { layer: 'licences' }, case: 'TRICKY: the same GeoPackage with the layer picked',
    ok: true, features: 3, kind: 'polygon',
    checks: [{ feature: 0, attributes: { 许可证号: 'C1300002011', 矿山名称: '某某铁矿' }, area: 3_750_000, rings: [2] }],
  });
  const header = Buffer.from(two);
  header.write('SQLite format 2\0', 0, 'latin1');
  c.add({
    file: put('bad-header.gpkg', header), case: 'a GeoPackage whose SQLite header is damaged',
    expect: `${ERR}/bad-header.gpkg: not a readable GeoPackage file: damaged, cut off, or another format`,
  });
  c.add({
    file: put('truncated.gpkg', two.subarray(0, Math.floor(two.length / 2))), case: 'a GeoPackage cut off at half its length',
    expect: `${ERR}/truncated.gpkg: not a readable GeoPackage file: damaged, cut off, or another format`,
  });
  c.add({
    file: put('empty.gpkg', Buffer.alloc(0)), case: 'an empty GeoPackage (0 bytes)',
    expect: `${ERR}/empty.gpkg: the file is empty (0 bytes)`,
  });

  const pins: SrcFeature[] = [
    { properties: { Name: '1号拐点' }, geometry: { type: 'Point', coordinates: [117.2, 40.1] } },
    { properties: { Name: '2号拐点' }, geometry: { type: 'Point', coordinates: [117.21, 40.1] } },
    { properties: { Name: '3号拐点' }, geometry: { type: 'Point', coordinates: [117.21, 40.11] } },
  ];
  c.add({
    file: put('pins.kml', convert(c, pins, 'out.kml', ['-f', 'KML'])),
    case: 'a KML with only placemark points (the corners of a licence, not its area) given as licences', screen: true,
    expect: `${ERR}/pins.kml: holds point geometries; redline needs polygons here`,
  });
  const kml = convert(c, [{ properties: { Name: '某某铁矿' }, geometry: polygon(rect(117.2, 40.1, 0.01)) }], 'out.kml', ['-f', 'KML']).toString('utf8');
  c.add({
    file: put('truncated.kml', kml.slice(0, kml.indexOf('<coordinates>') + 40)), case: 'a KML cut off inside its coordinates',
    expect: `${ERR}/truncated.kml: not a readable KML file: damaged, cut off, or another format`,
  });

  const lines: SrcFeature[] = [
    { properties: {}, geometry: { type: 'LineString', coordinates: [[E, N], [E + 1000, N], [E + 1000, N + 1000], [E, N + 1000]] } },
    { properties: {}, geometry: { type: 'LineString', coordinates: [[E + 2000, N], [E + 3000, N], [E + 3000, N + 1000], [E + 2000, N + 999]] } },
  ];
  c.add({
    file: put('open-lines.dxf', convert(c, lines, 'out.dxf', ['-f', 'DXF'])),
    case: 'a DXF whose boundaries are polylines left open (last vertex not the first) given as licences', screen: true,
    expect: { match: `^${ERR}/open-lines\\.dxf: holds line geometries; redline needs polygons here` },
  });

  // GDAL's DXF writer turns polygons into HATCH entities; cut inside the third one
  const hatches = convert(c, [0, 1, 2].map((i) => ({ properties: {}, geometry: polygon(rect(E + 3000 * i, N, 1000)) })), 'out.dxf', ['-f', 'DXF']);
  const lastHatch = hatches.lastIndexOf('HATCH');
  c.add({
    file: put('truncated.dxf', hatches.subarray(0, lastHatch + 50)),
    case: 'a DXF of 3 areas cut off inside the third (no EOF marker): must be refused, not read as 2 areas',
    expect: `${ERR}/truncated.dxf: truncated: a DXF ends with an EOF marker and this one does not (cut off while copying?)`,
  });

  const fgb = convert(c, LICENCES, 'out.fgb', ['-f', 'FlatGeobuf', '-a_srs', 'EPSG:4527']);
  c.add({
    file: put('truncated.fgb', fgb.subarray(0, fgb.length - 150)),
    case: 'a FlatGeobuf cut off inside its last feature: must be refused, not read as the features before the cut',
    expect: `${ERR}/truncated.fgb: truncated or damaged: the file announces 3 features but 2 could be read`,
  });
  const magic = Buffer.from(fgb);
  magic.write('fgX', 0, 'latin1');
  c.add({
    file: put('bad-magic.fgb', magic), case: 'a FlatGeobuf whose magic bytes are damaged',
    expect: `${ERR}/bad-magic.fgb: not a readable FlatGeobuf file: damaged, cut off, or another format`,
  });
}

export function csvCases(c: Corpus): void {
  const ERR = '{dir}/csv';
  const csv = convert(c, LICENCES, 'out.csv', ['-f', 'CSV', '-lco', 'GEOMETRY=AS_WKT']).toString('utf8');
  const rows = csv.split(/\r?\n/);
  const put = (name: string, body: string): string => {
    c.write(`csv/${name}`, body);
    return `csv/${name}`;
  };
  c.add({
    file: put('bad-wkt.csv', damage(csv, 'POLYGON ((39505000', 'POLYGON ((39505000 4480000,')),
    case: 'the WKT of row 2 (line 3) has a vertex of one number',
    expect: `${ERR}/bad-wkt.csv: feature #1: line 3: not WKT: POLYGON ((39505000 4480000, 4480000,39506000 4480000,3950600…`,
  });
  c.add({
    file: put('wrong-width.csv', damage(csv, ',乙铁矿,', ',乙铁矿,1,')),
    case: 'row 2 (line 3) has an extra field (a name with an unquoted comma)',
    expect: `${ERR}/wrong-width.csv: feature #1: line 3 has 5 fields, the header 4`,
  });
  c.add({
    file: put('point.csv', `${rows[0]}\n"POINT (${E} ${N})",C1300002011,某某铁矿,3.75\n`),
    case: 'a CSV whose WKT is a POINT',
    expect: `${ERR}/point.csv: feature #0: line 2: POINT is not a polygon; redline reads polygon layers`,
  });
  c.add({
    file: put('no-geometry.csv', '许可证号,矿山名称,X,Y\nC1300002011,某某铁矿,39500000,4480000\n'),
    case: 'a CSV of one point per licence in X and Y columns: no WKT column, and not a corner-point table either',
    expect:
      `${ERR}/no-geometry.csv: a corner-point table needs a point_no column (point_no, 点号, 序号, 拐点号, 拐点编号, 点序号); ` +
      'the header has: 许可证号, 矿山名称, X, Y',
  });
}
