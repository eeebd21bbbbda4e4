/**
 * The spec of server/geo/crs.ts (with crs-epsg.ts, crs-wkt.ts, wkt-tree.ts). GDAL's EPSG database
 * (gdal-async and gdalsrsinfo, GDAL 3.6.2 / PROJ 9.1) is the oracle for codes, names, parameters
 * and the .prj texts real software writes.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import gdal from 'gdal-async';
import {
  analysisPlane,
  crsFromEpsg,
  crsFromPrj,
  crsName,
  epsgFor,
  parseCrsArg,
  readPrj,
  suggestCrs,
} from '../../server/geo/crs.ts';
import type { Crs } from '../../server/geo/crs-types.ts';
import type { Datum } from '../../server/geo/ellipsoid.ts';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

const GK_CODES = [
  ...range(4491, 4554), // CGCS2000
  ...range(2327, 2390), // Xian 1980
  ...range(2401, 2442), // Beijing 1954, 3°
  ...range(21413, 21423), // Beijing 1954, 6° with zone prefix
  ...range(21453, 21463), // Beijing 1954, 6° CM
];
const DEPRECATED = range(21473, 21483); // duplicates of 21453–21463
const GEOGRAPHIC: [number, Datum][] = [[4490, 'cgcs2000'], [4326, 'wgs84'], [4610, 'xian80'], [4214, 'beijing54']];
const ELLPS: Record<string, Datum> = { GRS80: 'cgcs2000', IAU76: 'xian80', krass: 'beijing54' };

function gdalFacts(code: number): { name: string; proj4: Record<string, string> } {
  const srs = gdal.SpatialReference.fromEPSG(code);
  const proj4: Record<string, string> = {};
  for (const m of srs.toProj4().matchAll(/\+(\w+)=(\S+)/g)) proj4[m[1]] = m[2];
  return { name: srs.getAttrValue(srs.isProjected() ? 'PROJCS' : 'GEOGCS') ?? '', proj4 };
}

function srsinfo(format: string, code: number): string {
  return execFileSync('gdalsrsinfo', ['-o', format, `EPSG:${code}`], { encoding: 'utf8' });
}

describe('crsFromEpsg / epsgFor / crsName against the EPSG database', () => {
  it('knows every Chinese Gauss-Krüger code with the right datum, meridian, false easting and name', () => {
    for (const code of GK_CODES) {
      const crs = crsFromEpsg(code);
      const { name, proj4 } = gdalFacts(code);
      expect(crs.kind, `EPSG:${code}`).toBe('gauss-kruger');
      if (crs.kind !== 'gauss-kruger') continue;
      expect(proj4.proj).toBe('tmerc');
      expect(crs.datum, `EPSG:${code}`).toBe(ELLPS[proj4.ellps]);
      expect(crs.centralMeridian, `EPSG:${code}`).toBe(Number(proj4.lon_0));
      expect(crs.falseEasting, `EPSG:${code}`).toBe(Number(proj4.x_0));
      expect([proj4.k, proj4.lat_0, proj4.y_0]).toEqual(['1', '0', '0']);
      expect(crsName(crs)).toBe(name);
      expect(epsgFor(crs)).toBe(code);
      expect(crs.zoneWidth).toBe(name.includes('3-degree') ? 3 : 6);
    }
  });

  it('reads the deprecated Beijing 1954 CM codes as their replacements', () => {
    for (const code of DEPRECATED) {
      const crs = crsFromEpsg(code);
      expect(crs).toEqual(crsFromEpsg(code - 20));
      expect(epsgFor(crs)).toBe(code - 20);
      expect(crsName(crs)).toBe(gdalFacts(code).name);
    }
  });

  it('knows the geographic CRSs and Web Mercator', () => {
    for (const [code, datum] of GEOGRAPHIC) {
      expect(crsFromEpsg(code)).toEqual({ kind: 'geographic', datum });
      expect(epsgFor(crsFromEpsg(code))).toBe(code);
    }
    expect(crsFromEpsg(3857)).toEqual({ kind: 'web-mercator' });
    expect(crsFromEpsg(900913)).toEqual({ kind: 'web-mercator' });
    expect(epsgFor({ kind: 'web-mercator' })).toBe(3857);
    expect(crsName(crsFromEpsg(3857))).toBe(gdalFacts(3857).name);
    expect(crsName(crsFromEpsg(4490))).toBe('CGCS2000');
  });

  it('names zones as EPSG does', () => {
    expect(crsName(crsFromEpsg(4527))).toBe('CGCS2000 / 3-degree Gauss-Kruger zone 39');
    expect(crsName(crsFromEpsg(4548))).toBe('CGCS2000 / 3-degree Gauss-Kruger CM 117E');
    expect(crsName(crsFromEpsg(4498))).toBe('CGCS2000 / Gauss-Kruger zone 20');
  });

  it('refuses other codes with a clear RangeError', () => {
    for (const code of [32650, 4479, 4555, 2391, 2400, 21424, 21464, 4480, 0]) {
      expect(() => crsFromEpsg(code)).toThrow(RangeError);
      expect(() => crsFromEpsg(code)).toThrow(`EPSG:${code} is not a CRS redline supports: `);
    }
  });

  it('has no code for non-standard systems', () => {
    const local: Crs = { kind: 'gauss-kruger', datum: 'cgcs2000', centralMeridian: 116.5, zoneWidth: 3, zone: null, falseEasting: 500000 };
    expect(epsgFor(local)).toBeNull();
    expect(crsName(local)).toBe('CGCS2000 / 3-degree Gauss-Kruger CM 116.5E');
    expect(epsgFor({ ...crsFromEpsg(4548), datum: 'wgs84' } as Crs)).toBeNull();
    expect(epsgFor({ ...crsFromEpsg(4548), falseEasting: 0 } as Crs)).toBeNull();
  });
});

describe('parseCrsArg', () => {
  it('accepts EPSG:n, epsg:n and n', () => {
    for (const t of ['EPSG:4527', 'epsg:4527', '4527', ' EPSG:4527 ']) expect(parseCrsArg(t)).toEqual(crsFromEpsg(4527));
  });
  it('explains what it wants', () => {
    for (const t of ['', 'CGCS2000', 'EPSG:', 'EPSG:45x', '+proj=tmerc']) {
      expect(() => parseCrsArg(t)).toThrow(/is not a CRS redline understands: give an EPSG code such as EPSG:4527/);
    }
    expect(() => parseCrsArg('EPSG:32650')).toThrow(/EPSG:32650 is not a CRS redline supports/);
  });
});

describe('crsFromPrj on .prj text written by GDAL', () => {
  const CODES = [4490, 4326, 4610, 4214, 3857, 4491, 4501, 4502, 4512, 4513, 4527, 4533, 4534, 4548,
    4554, 2327, 2338, 2349, 2363, 2384, 21413, 21460, 2401, 2415, 2436];
  /** The same text without any EPSG code, so the datum and parameters must be read. */
  const stripIds = (wkt: string): string =>
    wkt.replace(/,\s*(AUTHORITY|ID)\["EPSG",\s*"?\d+"?\]/g, '').replace(/,\s*USAGE\[[^\]]*\[[^\]]*\][^\]]*\[[^\]]*\][^\]]*\[[^\]]*\]\s*\]/g, '');

  for (const code of CODES) {
    it(`EPSG:${code} as ESRI WKT, OGC WKT1 and WKT2, with and without codes`, () => {
      const expected = crsFromEpsg(code);
      const esri = srsinfo('wkt_esri', code);
      const wkt1 = srsinfo('wkt1', code);
      const wkt2 = srsinfo('wkt2', code);
      expect(esri).not.toMatch(/AUTHORITY\[|\bID\[/);
      expect(crsFromPrj(esri)).toEqual(expected);
      expect(crsFromPrj(wkt1)).toEqual(expected);
      expect(crsFromPrj(wkt2)).toEqual(expected);
      expect(stripIds(wkt1)).not.toMatch(/EPSG/);
      expect(crsFromPrj(stripIds(wkt1))).toEqual(expected);
      expect(crsFromPrj(stripIds(wkt2))).toEqual(expected);
      // single-line form, as most .prj files are written
      expect(crsFromPrj(esri.replace(/\s*\n\s*/g, ''))).toEqual(expected);
    });
  }

  it('refuses CRSs that are not redline\'s, saying what it found', () => {
    const cases: [number, RegExp][] = [
      [32650, /"WGS_1984_UTM_Zone_50N" is not a CRS redline supports: scale factor is 0.9996/],
      [3395, /is not Web Mercator/],
      [4555, /New Beijing/],
      [3415, /projection "Lambert_Conformal_Conic.*" is not Gauss-Kruger/],
      [2326, /"Hong_Kong_1980_Grid" is not a CRS redline supports/],
      [2395, /South_Yemen.*is not a CRS redline supports/],
    ];
    for (const [code, message] of cases) expect(() => crsFromPrj(srsinfo('wkt_esri', code))).toThrow(message);
    // WKT1 with its (unsupported) code says the code too
    expect(() => crsFromPrj(srsinfo('wkt1', 32650))).toThrow(/"WGS 84 \/ UTM zone 50N" \(EPSG:32650\) is not a CRS redline supports: scale factor is 0.9996/);
    expect(() => crsFromPrj(srsinfo('wkt1', 4479))).toThrow(/GEOCCS .* is not a CRS redline supports/);
  });
});

describe('crsFromPrj on hand-made and damaged .prj text', () => {
  const GK = (datum: string, spheroid: string, params: string, name = 'Custom'): string =>
    `PROJCS["${name}",GEOGCS["GCS_x",DATUM["${datum}",SPHEROID[${spheroid}]],PRIMEM["Greenwich",0.0],` +
    `UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],${params},UNIT["Meter",1.0]]`;
  const P = (fe: number, cm: number, k = 1, lat0 = 0, fn = 0): string =>
    `PARAMETER["False_Easting",${fe}],PARAMETER["False_Northing",${fn}],PARAMETER["Central_Meridian",${cm}],` +
    `PARAMETER["Scale_Factor",${k}],PARAMETER["Latitude_Of_Origin",${lat0}]`;
  const CGCS = '"CGCS2000",6378137.0,298.257222101';
  const KRASS = '"Krasovsky_1940",6378245.0,298.3';

  it('reads zone prefixes, local meridians and unnamed datums', () => {
    expect(crsFromPrj(GK('D_China_2000', CGCS, P(39500000, 117)))).toEqual(crsFromEpsg(4527));
    expect(crsFromPrj(GK('D_China_2000', CGCS, P(20500000, 117)))).toEqual(crsFromEpsg(4498));
    // no width in the name: 3° assumed (the width changes no coordinate)
    expect(crsFromPrj(GK('CGCS2000', CGCS, P(500000, 117)))).toEqual(crsFromEpsg(4548));
    expect(crsFromPrj(GK('D_China_2000', CGCS, P(500000, 117), 'CGCS2000_GK_CM_117E'))).toEqual(crsFromEpsg(4509));
    expect(crsFromPrj(GK('D_unknown', KRASS, P(500000, 114), '3度带'))).toEqual(crsFromEpsg(2435));
    expect(crsFromPrj(GK('Not_specified_based_on_Krassowsky_1940_ellipsoid', KRASS, P(38500000, 114)))).toEqual(crsFromEpsg(2414));
    expect(crsFromPrj(GK('D_Unknown', '"unnamed",6378140,298.257', P(500000, 114)))).toEqual(crsFromEpsg(2383));
    expect(crsFromPrj(GK('西安80', '"IAG_75",6378140,298.257', P(500000, 114)))).toEqual(crsFromEpsg(2383));
    const local = crsFromPrj(GK('D_China_2000', CGCS, P(500000, 116.5)));
    expect(local).toEqual({ kind: 'gauss-kruger', datum: 'cgcs2000', centralMeridian: 116.5, zoneWidth: 3, zone: null, falseEasting: 500000 });
    expect(epsgFor(local)).toBeNull();
    expect(crsFromPrj(GK('D_China_2000', CGCS, P(500000.0000000001, 117.00000000000001)))).toEqual(crsFromEpsg(4548));
  });

  it('refuses parameters Gauss-Krüger does not have', () => {
    const bad: [string, RegExp][] = [
      [GK('D_China_2000', CGCS, P(500000, 117, 0.9996)), /scale factor is 0.9996/],
      [GK('D_China_2000', CGCS, P(500000, 117, 1, 10)), /latitude of origin is 10°/],
      [GK('D_China_2000', CGCS, P(500000, 117, 1, 0, -1e7)), /false northing is -10000000 m/],
      [GK('D_China_2000', CGCS, P(400000, 117)), /false easting 400000 m is neither/],
      [GK('D_China_2000', CGCS, P(39500000, 120)), /false easting 39500000 m carries zone 39, but the central meridian is 120°/],
      [GK('D_China_2000', KRASS, P(500000, 117)), /datum "D_China_2000" does not fit its ellipsoid "Krasovsky_1940"/],
      [GK('D_Pulkovo_1942', KRASS, P(500000, 117)), /datum "D_Pulkovo_1942" with ellipsoid "Krasovsky_1940" .* is not one redline knows/],
      [GK('D_China_2000', CGCS, P(500000, 117)).replace('UNIT["Meter",1.0]]', 'UNIT["Foot_US",0.3048006096012192]]'), /not in metres/],
      [GK('D_China_2000', CGCS, P(500000, 117)).replace('PRIMEM["Greenwich",0.0]', 'PRIMEM["Paris",2.33722917]'), /prime meridian "Paris"/],
    ];
    for (const [wkt, message] of bad) expect(() => crsFromPrj(wkt)).toThrow(message);
  });

  it('reads TOWGS84 and compound CRSs, and survives WKT2 bound CRSs', () => {
    const wkt = srsinfo('wkt1', 2415).replace('DATUM["Beijing_1954",', 'DATUM["Beijing_1954",TOWGS84[15.8,-154.4,-82.3,0,0,0,0],');
    expect(readPrj(wkt)).toEqual({ crs: crsFromEpsg(2415), towgs84: { dx: 15.8, dy: -154.4, dz: -82.3, rx: 0, ry: 0, rz: 0, ds: 0 } });
    const compound = `COMPD_CS["x + height",${srsinfo('wkt1', 4527)},VERT_CS["h",VERT_DATUM["v",2005],UNIT["metre",1],AXIS["Up",UP]]]`;
    expect(crsFromPrj(compound)).toEqual(crsFromEpsg(4527));
    const bound = execFileSync('gdalsrsinfo', ['-o', 'wkt2', '+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=38500000 +y_0=0 +ellps=krass +towgs84=15.8,-154.4,-82.3,0,0,0,0 +units=m +no_defs'], { encoding: 'utf8' });
    expect(bound).toMatch(/^\s*BOUNDCRS/);
    expect(crsFromPrj(bound)).toEqual({ ...crsFromEpsg(2414), datum: 'beijing54' });
  });

  it('reports text that is not WKT', () => {
    for (const t of ['', 'hello', 'PROJCS["x"', 'PROJCS["x",GEOGCS["y"]] trailing', '{"type":"Feature"}', 'GEOGCS["a",DATUM["b"']) {
      expect(() => crsFromPrj(t)).toThrow(/not a WKT CRS|is not a CRS redline supports/);
    }
    expect(() => crsFromPrj('['.repeat(10) + 'x')).toThrow(/not a WKT CRS/);
    expect(() => crsFromPrj('A['.repeat(100) + ']'.repeat(100))).toThrow(/nested too deeply/);
  });
});

describe('suggestCrs', () => {
  it('takes lon/lat inside China for CGCS2000 geographic', () => {
    const s = suggestCrs([116.2, 39.8, 116.5, 40.1]);
    expect(s).toMatchObject({ crs: { kind: 'geographic', datum: 'cgcs2000' }, epsg: 4490, swapped: false });
    expect(s?.reason).toMatch(/longitude and latitude in degrees, inside China.*cannot show the datum.*EPSG:4490/);
    expect(suggestCrs([39.8, 116.2, 40.1, 116.5])).toMatchObject({ epsg: 4490, swapped: true });
  });

  it('reads the zone from 8-digit eastings', () => {
    const s = suggestCrs([39_412_345, 4_412_345, 39_498_765, 4_498_765]);
    expect(s).toMatchObject({ crs: crsFromEpsg(4527), epsg: 4527, swapped: false });
    expect(s?.reason).toContain('39, are the number of a 3-degree Gauss-Kruger zone (central meridian 117°E)');
    expect(s?.reason).toContain('cannot show the datum');
    expect(s?.reason).toContain('CGCS2000 zone 39 (EPSG:4527) is assumed');
    expect(s?.reason).not.toMatch(/e\+/);
    expect(suggestCrs([20_400_000, 2_000_000, 20_600_000, 2_100_000])).toMatchObject({ epsg: 4498, swapped: false });
  });

  it('notices swapped columns', () => {
    const s = suggestCrs([4_412_345, 39_412_345, 4_498_765, 39_498_765]);
    expect(s).toMatchObject({ crs: crsFromEpsg(4527), epsg: 4527, swapped: true });
    expect(s?.reason).toMatch(/^x and y are swapped/);
  });

  it('does not guess what cannot be guessed', () => {
    expect(suggestCrs([412_345, 4_412_345, 498_765, 4_498_765])).toBeNull(); // no zone prefix
    expect(suggestCrs([39_900_000, 4_400_000, 40_100_000, 4_500_000])).toBeNull(); // two zones
    expect(suggestCrs([24_400_000, 4_400_000, 24_500_000, 4_500_000])).toBeNull(); // zone 24
    expect(suggestCrs([-10, 40, 10, 50])).toBeNull(); // Europe
    expect(suggestCrs([NaN, 0, 1, 1])).toBeNull();
    expect(suggestCrs([39_412_345, 7_000_000, 39_498_765, 7_100_000])).toBeNull(); // beyond 6e6
  });
});

describe('analysisPlane', () => {
  it('keeps a zone\'s meridian and width, on CGCS2000, without prefix', () => {
    expect(analysisPlane(crsFromEpsg(4527), [117, 40])).toEqual(crsFromEpsg(4548));
    expect(analysisPlane(crsFromEpsg(2363), [117, 40])).toEqual(crsFromEpsg(4548));
    expect(analysisPlane(crsFromEpsg(21420), [117, 40])).toEqual(crsFromEpsg(4509));
    expect(analysisPlane(crsFromEpsg(4509), [117, 40])).toEqual(crsFromEpsg(4509));
  });
  it('picks the 3° zone containing the point for lon/lat and Web Mercator data', () => {
    expect(analysisPlane(crsFromEpsg(4490), [118.4, 40])).toEqual(crsFromEpsg(4548));
    expect(analysisPlane(crsFromEpsg(4326), [118.6, 40])).toEqual(crsFromEpsg(4549));
    expect(analysisPlane(crsFromEpsg(3857), [109.5, 18.3])).toEqual(crsFromEpsg(4546));
    expect(() => analysisPlane(crsFromEpsg(4490), [NaN, 40])).toThrow(RangeError);
  });
});
