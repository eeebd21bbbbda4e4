/**
 * Coordinates and CRS declarations that disagree: checked through resolveLayerCrs, as `redline
 * screen` does with `--licence-crs` (the manifest's "crs": the flag, or null for none).
 */
import { Corpus, E, LICENCES, N, polygon, prjOf, putShapefile, rect, shapefile } from './broken-base.ts';
import type { Pos, SrcFeature, SrcGeometry } from './broken-base.ts';

/** LICENCES with every coordinate passed through `f`. */
function mapped(f: (x: number, y: number) => [number, number]): SrcFeature[] {
  const ring = (r: Pos[]): Pos[] => r.map(([x, y]) => f(x, y));
  return LICENCES.map((l) => ({
    properties: l.properties,
    geometry: l.geometry && { type: 'Polygon', coordinates: (l.geometry.coordinates as Pos[][]).map(ring) } satisfies SrcGeometry,
  }));
}

const ZONE39 = 'CGCS2000 / 3-degree Gauss-Kruger zone 39';

export function crsCases(c: Corpus): void {
  const ERR = '{dir}/crs';
  const put = (stem: string, features: SrcFeature[], srs: string, prj: Buffer | null | 'keep' = 'keep'): string => {
    const set = shapefile(c, features, { srs });
    return putShapefile(c, `crs/${stem}`, { ...set, prj: prj === 'keep' ? set.prj : (prj ?? undefined) });
  };

  c.add({
    file: put('huge', mapped((x, y) => [x * 25_000, y * 25_000]), 'EPSG:4527'), crs: null,
    case: 'coordinates near 1e12 m, out of the range of any CRS, with a .prj saying EPSG:4527',
    expect:
      `${ERR}/huge.shp: coordinates (x 987500000000…987712500000, y 112000000000…112050000000) do not fit ${ZONE39}; ` +
      'check the CRS (--licence-crs)',
  });
  c.add({
    file: put('huge-no-prj', mapped((x, y) => [x * 25_000, y * 25_000]), 'EPSG:4527', null), crs: null,
    case: 'coordinates near 1e12 m and no .prj: no CRS can be suggested',
    expect: `${ERR}/huge-no-prj.shp: no .prj, and the coordinates do not tell the CRS; pass --licence-crs EPSG:n`,
  });
  c.add({
    file: put('metres-4490', LICENCES, 'EPSG:4527', prjOf(c, 'EPSG:4490')), crs: null,
    case: 'zone-39 metres in a file whose .prj says CGCS2000 longitude/latitude (EPSG:4490)',
    expect:
      `${ERR}/metres-4490.shp: coordinates (x 39500000.000…39508500.000, y 4480000.000…4482000.000) are not ` +
      'longitude/latitude in China (CGCS2000); check the CRS (--licence-crs)',
  });
  c.add({
    file: put('prj-vs-flag', LICENCES, 'EPSG:4527'), crs: 'EPSG:4528',
    case: 'the .prj says zone 39 (EPSG:4527), --licence-crs says zone 40 (EPSG:4528)',
    expect:
      `${ERR}/prj-vs-flag.shp: its .prj says ${ZONE39} but --licence-crs says CGCS2000 / 3-degree Gauss-Kruger zone 40; ` +
      'remove the flag (it applies to every such file) or fix the .prj',
  });
  c.add({
    file: put('bad-prj', LICENCES, 'EPSG:4527', Buffer.from('PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM[')),
    crs: null, case: 'the .prj is cut off in the middle of its WKT',
    expect: { match: `^${ERR}/bad-prj\\.shp: cannot use its \\.prj: .+; pass --licence-crs EPSG:n$` },
  });
  c.add({
    file: put('utm-prj', mapped((x, y) => [x - 39_000_000 - 60_000, y]), 'EPSG:32650'), crs: null,
    case: 'the .prj is UTM zone 50N (scale 0.9996), not Gauss-Kruger',
    expect: { match: `^${ERR}/utm-prj\\.shp: cannot use its \\.prj: .*scale factor is 0\\.9996 \\(Gauss-Kruger needs 1; UTM uses 0\\.9996\\).*; pass --licence-crs EPSG:n$` },
  });
  c.add({
    file: put('no-prj', LICENCES, 'EPSG:4527', null), crs: null,
    case: 'no .prj and no flag: the zone-prefixed eastings suggest EPSG:4527, and the message says how to confirm it',
    expect:
      `${ERR}/no-prj.shp: no .prj; the coordinates suggest EPSG:4527 (${ZONE39}): x runs from 39500000 to 39508500: 8-digit eastings ` +
      'whose first two digits, 39, are the number of a 3-degree Gauss-Kruger zone (central meridian 117°E); y runs from 4480000 ' +
      'to 4482000, which looks like northings in metres. The coordinates cannot show the datum (CGCS2000, Xian 1980 and Beijing ' +
      '1954 look alike), so CGCS2000 zone 39 (EPSG:4527) is assumed: check it with whoever made the data. Confirm with --licence-crs EPSG:4527',
  });
  c.add({
    file: put('no-prj-6digit', mapped((x, y) => [x - 39_000_000, y]), 'EPSG:4527', null), crs: null,
    case: 'no .prj, eastings without the zone prefix (6 digits): any zone fits, so nothing is guessed',
    expect: `${ERR}/no-prj-6digit.shp: no .prj, and the coordinates do not tell the CRS; pass --licence-crs EPSG:n`,
  });
  c.add({
    file: put('swapped-no-prj', mapped((x, y) => [y, x]), 'EPSG:4527', null), crs: null,
    case: 'no .prj and X/Y swapped (northing in x, the surveyors\' convention): detected and reported with the suggestion',
    expect: {
      match: `^${ERR}/swapped-no-prj\\.shp: no \\.prj; the coordinates suggest EPSG:4527 \\(${ZONE39}\\): x and y are swapped \\(northing first\\)\\. .*` +
        '\\(X/Y are swapped in the file; redline swaps them back\\)\\. Confirm with --licence-crs EPSG:4527$',
    },
  });
  c.add({
    file: put('swapped', mapped((x, y) => [y, x]), 'EPSG:4527'), crs: null,
    case: 'TRICKY: X/Y swapped under a correct .prj: read, and the swap detected',
    ok: true, features: 3, swapped: true, epsg: 4527,
    checks: [{ feature: 1, area: 1_000_000 }],
  });
  c.add({
    file: put('swapped-flag', mapped((x, y) => [y, x]), 'EPSG:4527', null), crs: 'EPSG:4527',
    case: 'TRICKY: X/Y swapped, no .prj, confirmed by the flag: read, and the swap detected',
    ok: true, features: 3, swapped: true, epsg: 4527,
  });

  // GeoJSON: RFC 7946 says WGS 84 lon/lat unless a legacy "crs" member says otherwise.
  const metres = JSON.stringify({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', id: 'C1', properties: { 名称: '某某铁矿' }, geometry: polygon(rect(E, N, 1000)) }],
  });
  c.write('crs/metres.geojson', metres);
  c.add({
    file: 'crs/metres.geojson', crs: null,
    case: 'a GeoJSON of zone-39 metres without a "crs" member (GeoJSON means WGS 84 degrees)',
    expect:
      `${ERR}/metres.geojson: coordinates (x 39500000.000…39501000.000, y 4480000.000…4481000.000) are not ` +
      'longitude/latitude in China (WGS 84); check the CRS (--licence-crs)',
  });
  c.add({
    file: 'crs/metres.geojson', crs: 'EPSG:4527',
    case: 'TRICKY: the same GeoJSON with --licence-crs EPSG:4527: the flag says what the file cannot',
    ok: true, features: 1, swapped: false, epsg: 4527, checks: [{ feature: 0, area: 1_000_000 }],
  });
  c.write('crs/latlon.geojson', JSON.stringify({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { 名称: '某某铁矿' }, geometry: polygon(rect(40.1, 117.2, 0.01).map(([x, y]) => [x, y] as Pos)) }],
  }));
  c.add({
    file: 'crs/latlon.geojson', crs: null,
    case: 'TRICKY: a GeoJSON with latitude first: detected as swapped',
    ok: true, features: 1, swapped: true, epsg: 4326,
  });
  c.write('crs/legacy-4490.geojson', JSON.stringify({
    type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4490' } },
    features: [{ type: 'Feature', properties: { 名称: '某某铁矿' }, geometry: polygon(rect(117.2, 40.1, 0.01)) }],
  }));
  c.add({
    file: 'crs/legacy-4490.geojson', crs: null,
    case: 'TRICKY: a GeoJSON whose legacy "crs" member says EPSG:4490',
    ok: true, features: 1, swapped: false, epsg: 4490,
  });
}
