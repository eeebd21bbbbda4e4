import { describe, expect, it } from 'vitest';
import type { Facility, FacilityLayer } from '../../server/compensation/types.ts';
import { InputError } from '../../server/errors.ts';
import { BAYANNUR_BASE, HAINAN_BASE, item, money, one } from './fixtures.ts';

const MINING = { licence_type: 'mining', exit_kind: 'partial', paid_price_yuan: '1000000.00', reserve_quantity: 'ore', basis_reserves_t: '1000', facilities_yuan: '0' };
const BLOCKS = [{ id: 'K1', ore: '500', exitOre: '250' }];

describe('warnings', () => {
  it('certificate area off the computed area by more than 0.5 %', () => {
    const near = one('hainan-2023', { id: 'C1', area: '1000000', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, certificate_area_km2: '1.004' });
    expect(near.warnings.join()).not.toMatch(/certificate area/);
    const far = one('hainan-2023', { id: 'C1', area: '1000000', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, certificate_area_km2: '1.006' });
    expect(far.warnings.join()).toMatch(/certificate area 1.006 km² differs from the computed licence area 1 km² by 0.6 %/);
  });

  it('missing reserve blocks for a reserve-based price: the refund is 0, with a warning', () => {
    const l = one('hainan-2023', { id: 'C1', blocks: [] }, { ...HAINAN_BASE, ...MINING });
    expect(item(l, 'price_refund')).toBe('0.00');
    expect(l.warnings.join()).toMatch(/no reserve blocks in reserves.csv/);
    const noFile = one('hainan-2023', { id: 'C1' }, { ...HAINAN_BASE, ...MINING }, { hasReserves: false });
    expect(noFile.warnings.join()).toMatch(/screening ran without reserve blocks.*--reserves/);
  });

  it('an exit ratio above 1', () => {
    const l = one('hainan-2023', { id: 'C1', area: '1000000', exitArea: '1000000' }, {
      ...HAINAN_BASE, licence_type: 'exploration', exit_kind: 'partial', price_basis: 'area', paid_price_yuan: '100.00',
      certificate_area_km2: '0.5', exploration_investment_yuan: '0', fiscal_share: '0',
    });
    expect(l.warnings.join()).toMatch(/exit ratio A_exit \/ A_ref = 2 is above 1/);
    expect(item(l, 'price_refund')).toBe('200.00');
  });

  it('bayannur, partial exploration exit without a certificate area: the computed area stands in', () => {
    const l = one('bayannur-2020', { id: 'T1', area: '4000000', exitArea: '1000000' }, {
      ...BAYANNUR_BASE, licence_type: 'exploration', exit_kind: 'partial', paid_price_yuan: '100.00', appraised_investment_yuan: '0',
    });
    expect(item(l, 'price_refund')).toBe('25.00');
    expect(l.warnings.join()).toMatch(/no certificate area/);
  });

  it('blocks the screening excluded (outside the mining elevations) count neither in Q_exit nor in Q_all', () => {
    const blocks = [{ id: 'K1', ore: '600', exitOre: '300' }, { id: 'K2', ore: '400', exitOre: '400', excluded: true }];
    const whole = one('hainan-2023', { id: 'C1', blocks }, { ...HAINAN_BASE, ...MINING, exit_kind: 'whole' });
    expect(item(whole, 'price_refund')).toBe('600000.00');
    const partial = one('hainan-2023', { id: 'C1', blocks }, { ...HAINAN_BASE, ...MINING });
    expect(item(partial, 'price_refund')).toBe('300000.00');
  });

  it('metal reserves when the price was assessed on metal', () => {
    const l = one('hainan-2023', { id: 'C1', blocks: [{ id: 'K1', ore: '500', exitOre: '250', metal: '2', exitMetal: '0.5' }] },
      { ...HAINAN_BASE, ...MINING, reserve_quantity: 'metal', basis_reserves_t: '4' });
    expect(item(l, 'price_refund')).toBe('125000.00');
  });
});

describe('who pays', () => {
  it('a price paid from 2024 in Inner Mongolia: 40 % central, 30 % region, 30 % league/city, adding up exactly', () => {
    const l = one('bayannur-2020', { id: 'C1', blocks: [{ id: 'K1', ore: '3', exitOre: '1' }] }, {
      ...BAYANNUR_BASE, ...MINING, basis_reserves_t: '3', paid_price_yuan: '100.00', appraised_investment_yuan: '50.00',
      approval_level: 'province', price_paid_date: '2024-03-01',
    });
    expect(item(l, 'price_refund')).toBe('33.33');
    const p = l.payers!;
    expect([money(p.central), money(p.province), money(p.cityCounty)]).toEqual(['13.33', '60.00', '10.00']);
    expect(p.central.plus(p.province).plus(p.cityCounty).eq(l.gross!)).toBe(true);
    expect(l.lineItems[0].payersBasis).toMatch(/内财综规〔2024〕12号.*payment date 2024-03-01/);
  });

  it('no provincial split configured: the local share is one figure, with a warning', () => {
    const l = one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, established_date: '2016-01-01', approval_level: 'city_county', facilities_yuan: '10' });
    expect([money(l.payers!.central), money(l.payers!.localUnsplit), money(l.payers!.cityCounty)]).toEqual(['50000.00', '200000.00', '10.00']);
    expect(l.warnings.join()).toMatch(/local share 200000.00 \(80 %\) of the price refund is not split/);
  });

  it('a bureau\'s revenue-share table and options replace the defaults', () => {
    const config = {
      source: 'bureau.json',
      options: { fiscal_reduction_applies_to: ['investment', 'price'] },
      revenue_shares: [{ from: '2017-07-01', to: null, central: 0.4, local: 0.6, province: 0.2, city_county: 0.4, source: '琼财〔test〕' }],
    };
    const l = one('hainan-2023', { id: 'T1', area: '1000000', exitArea: '500000' }, {
      ...HAINAN_BASE, licence_type: 'exploration', exit_kind: 'partial', price_basis: 'area', paid_price_yuan: '1000.00',
      exploration_investment_yuan: '0', fiscal_share: '0.5',
    }, { config });
    expect(item(l, 'price_refund')).toBe('250.00');
    expect([money(l.payers!.central), money(l.payers!.province), money(l.payers!.cityCounty)]).toEqual(['100.00', '50.00', '100.00']);
    expect(l.warnings).toEqual([]);
  });

  it('a payment date no row covers leaves the refund unallocated, with a warning', () => {
    const l = one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, established_date: '2001-01-01' });
    expect(money(l.payers!.unallocated)).toBe('250000.00');
    expect(l.warnings.join()).toMatch(/no revenue-share row covers the payment date 2001-01-01/);
  });

  it('a bad configuration is an input error naming the file', () => {
    expect(() => one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING }, { config: { source: 'bureau.json', options: { fiscal_reduction: ['price'] } } }))
      .toThrow(/bureau.json: unknown option "fiscal_reduction"/);
    expect(() => one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING }, {
      config: { source: 'bureau.json', revenue_shares: [{ from: '2017-07-01', to: null, central: 0.4, local: 0.5, source: 'x' }] },
    })).toThrow(InputError);
  });
});

describe('facilities from a facility layer, selected by the exit range', () => {
  // exit range: the unit square at (117, 40) in lon/lat
  const range = [[Float64Array.from([117, 40, 117, 41, 118, 41, 118, 40, 117, 40])]];
  const pt = (index: number, x: number, y: number, value: string, licenceId: string | null = 'C1', relocated = 'no'): Facility => ({
    index, id: `F${index}`, licenceId, netValue: value, relocated, geometry: { kind: 'point', points: Float64Array.from([x, y]) },
  });
  const layer: FacilityLayer = {
    source: 'facilities.geojson',
    features: [
      pt(0, 117.5, 40.5, '100.00'),
      pt(1, 119, 40.5, '20.00'), // outside
      pt(2, 117.2, 40.2, '3.00', 'C1', 'yes'), // relocated for reuse
      pt(3, 117.3, 40.3, '4000.00', 'C2'), // another licence's
      pt(4, 117.4, 40.4, '0.50', null), // no licence id: by place
      { index: 5, id: 'F5', licenceId: 'C1', netValue: '600.00', relocated: 'no', geometry: { kind: 'polygon', polygons: [[Float64Array.from([117.9, 40.9, 117.9, 41.5, 118.5, 41.5, 118.5, 40.9, 117.9, 40.9])]] } },
    ],
  };
  const row = { ...HAINAN_BASE, ...MINING, facilities_yuan: null, relocation_yuan: '1.00' };

  it('counts what lies in the exit range, not relocated, of this licence or of none; says why for each', () => {
    const l = one('hainan-2023', { id: 'C1', blocks: BLOCKS, exitRange: range }, row, { facilities: layer });
    expect(item(l, 'facilities')).toBe('701.50');
    const why = Object.fromEntries(l.facilities!.map((f) => [f.id, [f.counted, f.why]]));
    expect(why).toEqual({
      F0: [true, 'inside the exit range'],
      F1: [false, 'outside the exit range: not counted'],
      F2: [false, 'relocated for reuse: excluded (需搬迁再利用的除外)'],
      F3: [false, 'in the exit range but belongs to licence C2: not counted here'],
      F4: [true, 'inside the exit range'],
      F5: [true, 'overlaps the exit range'],
    });
  });

  it('whole exit: every facility of the licence counts', () => {
    const l = one('hainan-2023', { id: 'C1', blocks: BLOCKS, exitRange: range }, { ...row, exit_kind: 'whole' }, { facilities: layer });
    expect(item(l, 'facilities')).toBe('721.50');
  });

  it('a bad relocated value names the facility', () => {
    const bad: FacilityLayer = { source: 'f.geojson', features: [pt(0, 117.5, 40.5, '1', 'C1', 'maybe')] };
    expect(() => one('hainan-2023', { id: 'C1', blocks: BLOCKS, exitRange: range }, row, { facilities: bad }))
      .toThrow('f.geojson: feature #0 (F0): relocated is "maybe"; expected yes or no');
  });
});
