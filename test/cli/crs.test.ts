import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv, runCli, square, tempDir, writeShapefile, type FixtureFeature } from '../helpers/gdal-fixtures.ts';

/**
 * The same licences given in other CRSs must screen to the same exit areas: GDAL/PROJ moves
 * them between CRSs (the independent side), redline reads each as given.
 */

const E = 39_500_000;
const N = 4_480_000;

const licences: FixtureFeature[] = [
  // a rotated quad across the red line edge, and one far from the central meridian
  { properties: { 许可证号: 'Q1' }, geometry: { type: 'Polygon', coordinates: [[[E + 300, N], [E + 2100, N + 400], [E + 1800, N + 2300], [E + 100, N + 1900], [E + 300, N]]] } },
  { properties: { 许可证号: 'Q2' }, geometry: square(E + 150_500, N + 8000, 1500) },
];
/**
 * A rectangle with a vertex every 50 m: an edge is straight only in the plane it was drawn in,
 * and real zone boundaries have short edges, so that reprojection does not bend them.
 */
function densified(x: number, y: number, w: number, h: number, step = 50): FixtureFeature['geometry'] {
  const pts: number[][] = [];
  const side = (x0: number, y0: number, dx: number, dy: number, len: number): void => {
    for (let d = 0; d < len; d += step) pts.push([x0 + (dx * d), y0 + (dy * d)]);
  };
  side(x, y, 1, 0, w);
  side(x + w, y, 0, 1, h);
  side(x + w, y + h, -1, 0, w);
  side(x, y + h, 0, -1, h);
  pts.push(pts[0]);
  return { type: 'Polygon', coordinates: [pts] };
}

const zones: FixtureFeature[] = [
  { properties: { 编号: 'HX-1', 类型: '生态保护红线' }, geometry: densified(E + 1000, N - 1000, 200_000, 10_000) },
];

function screenTo(dir: string, name: string, licenceFile: string, zoneFile: string, extra: string[] = []): Record<string, Record<string, string>> {
  const out = join(dir, name);
  const r = runCli(['screen', '--licences', licenceFile, '--zones', zoneFile, '--out', out, ...extra]);
  expect(r.stderr).toContain('screened');
  expect(r.code).toBe(0);
  const rows = readCsv(readFileSync(join(out, 'screening.csv'), 'utf8'));
  return Object.fromEntries(rows.map((row) => [row.licence_id, row]));
}

function ogr2ogr(args: string[]): void {
  // GBK: a DBF field name holds 10 bytes, too few for 许可证号 in UTF-8
  execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=CP936', ...args], { stdio: 'pipe' });
}

describe('licences and zones in other CRSs', () => {
  const dir = tempDir();
  let reference: Record<string, Record<string, string>>;
  let gkLicences: string;
  let gkZones: string;

  beforeAll(() => {
    gkLicences = writeShapefile(dir.path, 'lic_4527', licences, { srs: 'EPSG:4527' });
    gkZones = writeShapefile(dir.path, 'zones_4527', zones, { srs: 'EPSG:4527' });
    reference = screenTo(dir.path, 'ref', gkLicences, gkZones);
    expect(reference.Q1.status).toBe('partial');
    expect(reference.Q2.status).toBe('partial');
  });
  afterAll(() => dir.remove());

  it('screens licences given in CGCS2000 lon/lat in the 3° zone of their centre, to the same areas', () => {
    const ll = join(dir.path, 'lic_4490.shp');
    ogr2ogr(['-t_srs', 'EPSG:4490', ll, gkLicences]);
    const rows = screenTo(dir.path, 'll', ll, gkZones);
    // Q1 is analysed in the same plane as before: the same areas
    expect(Number(rows.Q1.licence_area_plane_m2)).toBeCloseTo(Number(reference.Q1.licence_area_plane_m2), 3);
    expect(Number(rows.Q1.exit_area_plane_m2)).toBeCloseTo(Number(reference.Q1.exit_area_plane_m2), 3);
    expect(Number(rows.Q1.exit_area_ellipsoidal_m2)).toBeCloseTo(Number(reference.Q1.exit_area_ellipsoidal_m2), 3);
    // Q2 now in the 120°E plane: plane areas change with the scale factor, the ellipsoidal
    // ones only with how straight edges bend between the two planes (well below 1e-6 here)
    const ratio = Number(rows.Q2.licence_area_plane_m2) / Number(reference.Q2.licence_area_plane_m2);
    expect(Math.abs(ratio - 1)).toBeGreaterThan(1e-4);
    for (const col of ['licence_area_ellipsoidal_m2', 'exit_area_ellipsoidal_m2']) {
      expect(Number(rows.Q2[col]) / Number(reference.Q2[col])).toBeCloseTo(1, 6);
    }
    const run = JSON.parse(readFileSync(join(dir.path, 'll', 'run.json'), 'utf8'));
    // Q2 lies 150 km east of 117°E, in the 3° zone of 120°E: two analysis planes
    expect(run.analysis_planes.map((p: { epsg: number }) => p.epsg).sort()).toEqual([4548, 4549]);
  });

  it('reprojects zones given in lon/lat and in the neighbouring 3° zone', () => {
    const zll = join(dir.path, 'zones_4490.shp');
    ogr2ogr(['-t_srs', 'EPSG:4490', zll, gkZones]);
    const rows = screenTo(dir.path, 'zll', gkLicences, zll);
    // with 50 m edges, straight in one plane or the other differs by well under 1e-6
    for (const id of ['Q1', 'Q2']) {
      expect(Number(rows[id].exit_area_plane_m2) / Number(reference[id].exit_area_plane_m2)).toBeCloseTo(1, 6);
    }
    const z40 = join(dir.path, 'zones_4528.shp');
    ogr2ogr(['-t_srs', 'EPSG:4528', z40, gkZones]);
    const rows40 = screenTo(dir.path, 'z40', gkLicences, z40);
    for (const id of ['Q1', 'Q2']) {
      expect(Number(rows40[id].exit_area_plane_m2) / Number(reference[id].exit_area_plane_m2)).toBeCloseTo(1, 6);
    }
  });

  it('warns when Xian 80 data come without transformation parameters, and applies them when given', () => {
    // The same licences written in Xian 1980 3° zone 39 (EPSG:2363) by PROJ with a 3-parameter shift.
    const towgs84 = '-60,110,40';
    const xian = join(dir.path, 'lic_2363.shp');
    // CGCS2000 spelled out with a null shift: PROJ has no CGCS2000 → WGS 84 path of its own and
    // would otherwise drop the shift silently (a "ballpark" transformation)
    ogr2ogr([
      '-s_srs', '+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=39500000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs',
      '-t_srs', `+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=39500000 +y_0=0 +ellps=IAU76 +towgs84=${towgs84} +units=m +no_defs`,
      xian, gkLicences,
    ]);
    const noShift = runCli(['screen', '--licences', xian, '--licence-crs', 'EPSG:2363', '--zones', gkZones, '--out', join(dir.path, 'x0')]);
    expect(noShift.code).toBe(0);
    expect(noShift.stderr).toMatch(/warning: .*Xian 1980.*without transformation parameters/);
    const run0 = JSON.parse(readFileSync(join(dir.path, 'x0', 'run.json'), 'utf8'));
    expect(run0.warnings.join(' ')).toMatch(/datum/);

    // a negative first number needs the = form, or it reads as an option
    const rows = screenTo(dir.path, 'x1', xian, gkZones, ['--licence-crs', 'EPSG:2363', `--datum-shift=${towgs84}`]);
    const rows0 = Object.fromEntries(readCsv(readFileSync(join(dir.path, 'x0', 'screening.csv'), 'utf8')).map((r) => [r.licence_id, r]));
    for (const id of ['Q1', 'Q2']) {
      const ref = Number(reference[id].exit_area_plane_m2);
      // with the parameters the licences land back within a millimetre (PROJ's own round
      // trip through its WGS 84 pivot differs by about 0.1 mm); without, tens of metres off
      expect(Math.abs(Number(rows[id].exit_area_plane_m2) / ref - 1)).toBeLessThan(1e-5);
      expect(Math.abs(Number(rows0[id].exit_area_plane_m2) / ref - 1)).toBeGreaterThan(1e-3);
    }
    const run1 = JSON.parse(readFileSync(join(dir.path, 'x1', 'run.json'), 'utf8'));
    expect(run1.warnings).toEqual([]);
    expect(run1.datum_shift).toMatchObject({ dx: -60, dy: 110, dz: 40 });
  });
});
