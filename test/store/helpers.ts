/**
 * Fixtures for the store tests: real database files in a temp folder, synthetic layers (Chinese
 * attributes, Gauss-Krüger coordinates as bureaus have them) and a screening result with every
 * part filled in, and GDAL's command-line tools as the outside judge of the GeoPackage.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaussKruger } from '../../server/geo/crs-epsg.ts';
import type { MultiPolygon } from '../../server/geo/types.ts';
import type { Feature, Layer } from '../../server/io/layer.ts';
import { inspectLayer, type LayerReport } from '../../server/io/report.ts';
import type { LicenceResult, ScreeningResult, Status } from '../../server/screening/types.ts';
import type { NewDataset } from '../../server/store/store.ts';

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `redline-store-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A closed square ring, clockwise (the shapefile exterior winding), in zone-39 GK metres. */
export function square(x: number, y: number, size: number): Float64Array {
  return Float64Array.from([x, y, x, y + size, x + size, y + size, x + size, y, x, y]);
}

/** EPSG:4527: CGCS2000 3° GK zone 39, eastings with the zone prefix (central meridian 117°E). */
export const GK39 = 4527;
const X0 = 39_500_000;
const Y0 = 4_470_000;

/** Licence i: a 300 m square with an odd fraction so the doubles are not round. */
export function licenceFeature(i: number): Feature {
  const x = X0 - 20_000 + (i % 200) * 400 + 0.123456789;
  const y = Y0 + Math.floor(i / 200) * 400 + 0.987654321;
  return {
    index: i,
    geometry: [[square(x, y, 300)]],
    attributes: { 许可证号: `C33010620${String(i).padStart(6, '0')}`, 矿山名称: `余杭区第${i}号采石场`, 矿种: '建筑用石料', 面积: 0.09 + i / 1000, 有效: i % 2 === 0 },
  };
}

export function licenceLayer(count: number, name = 'licences'): Layer {
  const features = Array.from({ length: count }, (_, i) => licenceFeature(i));
  return {
    source: `/data/${name}.shp`, name, format: 'shapefile', kind: 'polygon',
    fields: ['许可证号', '矿山名称', '矿种', '面积', '有效'], features,
    prj: null, crsHint: null, encoding: { name: 'gbk', how: 'detected' }, files: [],
    bbox: [X0 - 20_000, Y0, X0 + 60_000, Y0 + 400 * Math.ceil(count / 200)],
  };
}

/** A zone layer: one big square with a hole, so rings beyond the exterior are checked too. */
export function zoneLayer(): Layer {
  const outer = square(X0 - 30_000, Y0 - 10_000, 60_000);
  const hole = Float64Array.from([X0, Y0, X0 + 1000, Y0, X0 + 1000, Y0 + 1000, X0, Y0 + 1000, X0, Y0]);
  return {
    source: '/data/生态保护红线.shp', name: '生态保护红线', format: 'shapefile', kind: 'polygon', fields: ['BSM', '名称'],
    features: [{ index: 0, geometry: [[outer, hole]], attributes: { BSM: 'HX-001', 名称: '西溪湿地红线' } }],
    prj: null, crsHint: null, encoding: { name: 'utf-8', how: 'cpg' }, files: [], bbox: [X0 - 30_000, Y0 - 10_000, X0 + 30_000, Y0 + 50_000],
  };
}

export function datasetInput(kind: NewDataset['kind'], layer: Layer, epsg: number | null = GK39, confirmed = true): NewDataset {
  const report: LayerReport = inspectLayer(layer);
  return { kind, name: layer.name, divisionCode: '330110', layer, crs: { epsg, confirmed, swapped: false }, report };
}

const PLANE = gaussKruger('cgcs2000', 3, 39, false);

/** Licence results with every status, zones, warnings and ranges; exit ratio i/(n-1). */
export function screeningResult(n: number): ScreeningResult {
  const statuses: Status[] = ['none', 'touch', 'sliver', 'partial', 'whole'];
  const licences = Array.from({ length: n }, (_, i): LicenceResult => {
    const status = statuses[i % statuses.length];
    const exit: MultiPolygon = status === 'partial' || status === 'whole'
      ? [[Float64Array.from([117 + i / 1000, 40, 117 + i / 1000, 40.001, 117.001 + i / 1000, 40.001, 117 + i / 1000, 40])]]
      : [];
    const zoneId = i % 3 === 0 ? 'HX-001' : 'ZR-002';
    return {
      licenceId: `C${String(i).padStart(4, '0')}`, name: i % 7 === 0 ? null : `第${i}号矿`, status,
      licenceAreaPlane: 90_000 + i, licenceAreaEllipsoidal: 90_000.5 + i, exitAreaPlane: 100 * i, exitAreaEllipsoidal: 100 * i + 0.25,
      exitRatio: n > 1 ? i / (n - 1) : 0, remainingParts: status === 'partial' ? 2 : status === 'whole' ? 0 : 1,
      zoneIds: status === 'none' ? [] : [zoneId, 'ZR;odd'],
      zones: status === 'none' ? [] : [
        { zoneId, zoneName: '西溪湿地', zoneType: 'redline', areaPlane: 50 * i, areaEllipsoidal: 50 * i + 0.1 },
        { zoneId: 'ZR;odd', zoneName: null, zoneType: null, areaPlane: 50 * i, areaEllipsoidal: 50 * i + 0.15 },
      ],
      warnings: i % 4 === 0 ? [`licence ${i}: self-intersection repaired`, 'second | warning'] : [],
      exitRangeLonLat: exit, exitRangeJson: null,
      remainingRangeLonLat: status === 'partial' ? [[Float64Array.from([118, 41, 118, 41.5, 118.5, 41, 118, 41])]] : status === 'whole' ? [] : null,
      remainingRangeJson: null,
      plane: PLANE,
    };
  });
  return {
    licences,
    blocks: [
      { licenceId: 'C0003', blockId: 'K1', category: '探明', blockAreaPlane: 1234.5, oreT: 1e6, metalT: null, exitFraction: 0.25, exitOreT: 250_000, exitMetalT: null, note: null },
      { licenceId: 'C0003', blockId: 'K2', category: null, blockAreaPlane: 10, oreT: null, metalT: 5, exitFraction: 0, exitOreT: null, exitMetalT: 0, note: '标高不重叠' },
    ],
    fieldMappings: { '/data/licences.shp': { licence_id: '许可证号', name: '矿山名称' } },
    zoneTypes: ['redline', 'nature_reserve'], sliverM2: 1, warnings: ['a run warning'], peakRssMb: 321,
  };
}

/** GDAL's own GeoPackage validator (python3-gdal), when installed; it needs the system python. */
export const VALIDATE_GPKG = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py';
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function validateGpkg(path: string): { status: number | null; output: string } | null {
  if (!existsSync(VALIDATE_GPKG) || !existsSync(SYSTEM_PYTHON)) return null;
  const r = spawnSync(SYSTEM_PYTHON, [VALIDATE_GPKG, '--extra', '--warning-as-error', path], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** ogrinfo with GDAL's optional GeoPackage checks on; returns stdout and stderr apart. */
export function ogrinfo(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync('ogrinfo', ['--config', 'OGR_GPKG_INTEGRITY_CHECK', 'YES', '--config', 'OGR_GPKG_FOREIGN_KEY_CHECK', 'YES', '-ro', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ogrinfo ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** A layer as GeoJSON, read by GDAL (ogr2ogr), with full double precision. */
export function gdalGeoJson(path: string, layer: string, where?: string): { features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } | null }[] } {
  const out = execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-lco', 'COORDINATE_PRECISION=17', '-mapFieldType', 'Binary=String', ...(where ? ['-where', where] : []), '/vsistdout/', path, layer], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(out) as ReturnType<typeof gdalGeoJson>;
}
