import { describe, expect, it } from 'vitest';
import { crsFromEpsg } from '../../server/geo/crs.ts';
import type { MultiPolygon } from '../../server/geo/types.ts';
import { screen } from '../../server/screening/screen.ts';
import type { LayerInput } from '../../server/screening/types.ts';

/**
 * The screening as a library call, in one process with real GEOS: the cases a county's worth
 * of generated data rarely hits.
 */

const GK = crsFromEpsg(4527);
const E = 39_500_000;
const N = 4_480_000;

function rect(x: number, y: number, w: number, h: number): Float64Array {
  return new Float64Array([x, y, x + w, y, x + w, y + h, x, y + h, x, y]);
}

function layer(name: string, features: { attributes: Record<string, string>; geometry: MultiPolygon }[], source = `${name}.shp`): LayerInput {
  return {
    source,
    name,
    crs: GK,
    fields: Object.keys(features[0]?.attributes ?? {}),
    features: features.map((f, index) => ({ index, ...f })),
  };
}

const redline = layer('redline', [{ attributes: { 编号: 'HX' }, geometry: [[rect(E, N, 1000, 1000)]] }]);

describe('screen()', () => {
  it('counts the parts of a multipart licence that meets no zone', async () => {
    const licences = layer('licences', [
      { attributes: { 许可证号: 'TWO' }, geometry: [[rect(E + 5000, N, 100, 100)], [rect(E + 5200, N, 100, 100)]] },
      { attributes: { 许可证号: 'TOUCH2' }, geometry: [[rect(E + 1000, N, 100, 100)], [rect(E + 1200, N, 100, 100)]] },
      { attributes: { 许可证号: 'TINY' }, geometry: [[rect(E + 8000, N, 0.5, 0.5)]] },
    ]);
    const r = await screen({ licences, zones: [redline], workers: 0 });
    const by = Object.fromEntries(r.licences.map((l) => [l.licenceId, l]));
    expect([by.TWO.status, by.TWO.remainingParts]).toEqual(['none', 2]);
    expect([by.TOUCH2.status, by.TOUCH2.remainingParts]).toEqual(['touch', 2]);
    // smaller than the sliver size: no part worth the name
    expect(by.TINY.remainingParts).toBe(0);
  });

  it('still calls a covered licence whole with --sliver-m2 0', async () => {
    const licences = layer('licences', [{ attributes: { 许可证号: 'IN' }, geometry: [[rect(E + 100, N + 100, 300, 300)]] }]);
    const r = await screen({ licences, zones: [redline], workers: 0, sliverM2: 0 });
    expect(r.licences[0].status).toBe('whole');
    expect(r.licences[0].remainingParts).toBe(0);
  });

  it('takes the zone type from the file name, never from the folders around it', async () => {
    const zones = layer('zones', [{ attributes: { 编号: 'Z' }, geometry: [[rect(E, N, 1000, 1000)]] }], '/data/redline-exports/zones.shp');
    const licences = layer('licences', [{ attributes: { 许可证号: 'A' }, geometry: [[rect(E + 500, N, 1000, 1000)]] }]);
    const r = await screen({ licences, zones: [zones], workers: 0 });
    expect(r.zoneTypes).toEqual([]);
    expect(r.licences[0].zones[0].zoneType).toBeNull();
    expect(r.warnings.join(' ')).toMatch(/zone type unknown/);
  });

  it('reports a zone feature without geometry instead of dropping it silently', async () => {
    const zones: LayerInput = {
      ...redline,
      features: [...redline.features, { index: 1, attributes: { 编号: 'EMPTY' }, geometry: null }],
    };
    const licences = layer('licences', [{ attributes: { 许可证号: 'A' }, geometry: [[rect(E + 500, N, 1000, 1000)]] }]);
    const r = await screen({ licences, zones: [zones], workers: 0 });
    expect(r.warnings.join(' ')).toMatch(/1 zone feature\(s\) without geometry.*#1/);
    expect(r.licences[0].status).toBe('partial');
  });

  it('survives a self-intersecting zone near a licence, with a warning on the licence', async () => {
    // a bow tie: its two triangles meet at (E+500, N+500)
    const bowtie = new Float64Array([E, N, E + 1000, N + 1000, E + 1000, N, E, N + 1000, E, N]);
    const zones = layer('redline', [{ attributes: { 编号: 'BOW' }, geometry: [[bowtie]] }]);
    const licences = layer('licences', [{ attributes: { 许可证号: 'A' }, geometry: [[rect(E - 100, N - 100, 1200, 1200)]] }]);
    const r = await screen({ licences, zones: [zones], workers: 0 });
    const l = r.licences[0];
    // GEOS MakeValid turns the bow tie into its two triangles: 500,000 m² in all
    expect(l.exitAreaPlane).toBeCloseTo(500_000, 3);
    expect(l.warnings.join(' ')).toMatch(/invalid.*MakeValid/);
  });
});
