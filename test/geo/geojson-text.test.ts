import { describe, expect, it } from 'vitest';
import { multiPolygonJson } from '../../server/geo/geojson-text.ts';

describe('multiPolygonJson', () => {
  it('writes valid GeoJSON that reads back to the same coordinates within 1e-9', () => {
    const mp = [
      [new Float64Array([117.123456789123, 40.5, 117.2, 40.5, 117.2, 40.6, 117.123456789123, 40.5]),
        new Float64Array([117.15, 40.52, 117.16, 40.52, 117.16, 40.53, 117.15, 40.52])],
      [new Float64Array([-0.5, -1e-10, 1, 0, 1, 1, -0.5, -1e-10])],
    ];
    const g = JSON.parse(multiPolygonJson(mp));
    expect(g.type).toBe('MultiPolygon');
    expect(g.coordinates).toHaveLength(2);
    expect(g.coordinates[0]).toHaveLength(2);
    expect(g.coordinates[0][0][0][0]).toBeCloseTo(117.123456789, 9);
    expect(g.coordinates[1][0][0]).toEqual([-0.5, -0]);
    expect(g.coordinates.flat(2).length).toBe(4 + 4 + 4);
  });

  it('writes an empty multipolygon', () => {
    expect(JSON.parse(multiPolygonJson([]))).toEqual({ type: 'MultiPolygon', coordinates: [] });
  });
});
