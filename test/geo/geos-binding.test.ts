import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGeos, overlayLicence } from '../../server/geo/overlay.ts';
import { readLayer } from '../../server/io/layer.ts';
import { tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * The overlay loads gdal-async's native binding alone (geo/overlay.ts), before anything else in
 * this file; the readers then load the whole of gdal-async in the same process, which must
 * extend that same module rather than fail to register a second copy.
 */
loadGeos();

const tmp = tempDir('redline-binding-');
afterAll(tmp.remove);

const square = (x: number, y: number, side: number): Float64Array =>
  new Float64Array([x, y, x + side, y, x + side, y + side, x, y + side, x, y]);

describe('GEOS through the bare binding', () => {
  it('overlays, and the GDAL readers work after it in the same process', async () => {
    const r = overlayLicence({
      id: 0,
      plane: { kind: 'gauss-kruger', datum: 'cgcs2000', centralMeridian: 117, zoneWidth: 3, zone: 39, falseEasting: 39_500_000 },
      licence: [[square(39_500_000, 4_400_000, 1000)]],
      zones: [{ zone: 0, pieces: [[square(39_500_600, 4_400_000, 1000)]], covers: false }],
      blocks: [],
      sliverM2: 1,
    });
    expect(r.exitAreaPlane).toBeCloseTo(400_000, 6);
    expect(r.remainingParts).toBe(1);

    const src = join(tmp.path, 'src.geojson');
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { licence_id: 'C001' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } },
    ] }));
    const gpkg = join(tmp.path, 'l.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, src, '-a_srs', 'EPSG:4527', '-nln', 'licences'], { stdio: 'pipe' });
    const layer = await readLayer(gpkg);
    expect(layer.features.map((f) => f.attributes.licence_id)).toEqual(['C001']);
  });
});
