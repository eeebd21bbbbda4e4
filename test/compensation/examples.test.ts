import { describe, expect, it } from 'vitest';
import { BAYANNUR_BASE, HAINAN_BASE, item, money, one } from './fixtures.ts';

// The ten worked examples of shared/policy/compensation-spec.md, each with its exact figures.

describe('worked examples, hainan-2023', () => {
  it('H1: mining, partial exit, facilities and relocation', () => {
    const l = one('hainan-2023',
      { id: 'H1', blocks: [{ id: 'B1', ore: '1000000', exitOre: '731256.4' }] },
      {
        ...HAINAN_BASE, licence_type: 'mining', exit_kind: 'partial', paid_price_yuan: '12345678.90', reserve_quantity: 'ore',
        basis_reserves_t: '2400000', facilities_yuan: '3210000.00', relocation_yuan: '450000.00', restoration: 'accepted',
      });
    expect(l.eligible).toBe(true);
    expect(item(l, 'price_refund')).toBe('3761606.96');
    expect(item(l, 'facilities')).toBe('3660000.00');
    expect(money(l.payable)).toBe('7421606.96');
    expect(money(l.owedByHolder)).toBe('0.00');
  });

  it('H2: mining, restoration not done and dearer than the compensation: the holder owes the rest', () => {
    const l = one('hainan-2023',
      { id: 'H2', blocks: [{ id: 'B1', ore: '500000', exitOre: '200000' }] },
      {
        ...HAINAN_BASE, licence_type: 'mining', exit_kind: 'partial', paid_price_yuan: '5000000.00', reserve_quantity: 'ore',
        basis_reserves_t: '800000', facilities_yuan: '1800000.00', restoration: 'not_done', restoration_cost_yuan: '4000000.00',
      });
    expect(item(l, 'price_refund')).toBe('1250000.00');
    expect(money(l.gross)).toBe('3050000.00');
    expect(money(l.restorationDeduction)).toBe('4000000.00');
    expect(money(l.payable)).toBe('0.00');
    expect(money(l.owedByHolder)).toBe('950000.00');
  });

  it('H3: exploration co-funded by the state: the fiscal share reduces the investment only', () => {
    const l = one('hainan-2023',
      { id: 'H3', area: '9260002.0', exitArea: '2315000.5', blocks: [{ id: 'B1', ore: '600000', exitOre: '412500' }] },
      {
        ...HAINAN_BASE, licence_type: 'exploration', exit_kind: 'partial', paid_price_yuan: '3600000.00', reserve_quantity: 'ore',
        basis_reserves_t: '1500000', exploration_investment_yuan: '8000000.00', fiscal_share: '0.35',
      });
    expect(item(l, 'price_refund')).toBe('990000.00');
    expect(item(l, 'investment')).toBe('1300000.00');
    expect(money(l.payable)).toBe('2290000.00');
  });

  it('H4: exploration fully funded by the state budget is not eligible', () => {
    const l = one('hainan-2023', { id: 'H4' }, {
      ...HAINAN_BASE, licence_type: 'exploration', exit_kind: 'partial', fiscal_share: '1', paid_price_yuan: '1000000.00',
    });
    expect(l.eligible).toBe(false);
    expect(l.reasons.join(' ')).toMatch(/fully funded by the state budget/);
    expect(l.reasons.join(' ')).toContain('财政资金全额出资勘查项目探矿权不予补偿');
    expect(l.payable).toBeNull();
    expect(l.lineItems).toEqual([]);
  });

  it('H5: mining, whole exit: Q_exit := Q_all, the smaller spatial Q_exit is ignored', () => {
    const l = one('hainan-2023',
      { id: 'H5', status: 'partial', blocks: [{ id: 'B1', ore: '1000000', exitOre: '400000' }, { id: 'B2', ore: '850000', exitOre: '100000' }] },
      {
        ...HAINAN_BASE, licence_type: 'mining', exit_kind: 'whole', paid_price_yuan: '9876543.21', reserve_quantity: 'ore',
        basis_reserves_t: '3000000', facilities_yuan: '0',
      });
    expect(item(l, 'price_refund')).toBe('6090534.98');
    const q = l.lineItems[0].inputs.find((i) => i.name.startsWith('Q_exit'));
    expect(q?.value).toBe('1850000');
    expect(q?.name).toMatch(/whole exit/);
  });
});

describe('worked examples, bayannur-2020', () => {
  it('B1: exploration right cancelled: the full price and the appraised investment', () => {
    const l = one('bayannur-2020', { id: 'B1', status: 'whole' }, {
      ...BAYANNUR_BASE, licence_type: 'exploration', exit_kind: 'whole', paid_price_yuan: '1234567.89',
      appraised_investment_yuan: '2000000.00', restoration: 'accepted',
    });
    expect(item(l, 'price_refund')).toBe('1234567.89');
    expect(item(l, 'investment')).toBe('2000000.00');
    expect(money(l.payable)).toBe('3234567.89');
  });

  it('B2: exploration, partial exit: P × A_exit / A_cert', () => {
    const l = one('bayannur-2020', { id: 'B2', area: '12340000', exitArea: '3456789' }, {
      ...BAYANNUR_BASE, licence_type: 'exploration', exit_kind: 'partial', paid_price_yuan: '2000000.00',
      certificate_area_km2: '12.34', appraised_investment_yuan: '0',
    });
    expect(item(l, 'price_refund')).toBe('560257.54');
  });

  it('B3: mining, partial exit, restoration by the government deducted', () => {
    const l = one('bayannur-2020', { id: 'B3', blocks: [{ id: 'K1', ore: '2000000', exitOre: '1300000' }] }, {
      ...BAYANNUR_BASE, licence_type: 'mining', exit_kind: 'partial', paid_price_yuan: '7500000.00', reserve_quantity: 'ore',
      basis_reserves_t: '5200000', appraised_investment_yuan: '2600000.00', restoration: 'not_done', restoration_cost_yuan: '900000.00',
    });
    expect(item(l, 'price_refund')).toBe('1875000.00');
    expect(money(l.gross)).toBe('4475000.00');
    expect(money(l.payable)).toBe('3575000.00');
    expect(money(l.owedByHolder)).toBe('0.00');
  });

  it('B4: established after the cut-off: not eligible', () => {
    const l = one('bayannur-2020', { id: 'B4' }, {
      ...BAYANNUR_BASE, licence_type: 'mining', exit_kind: 'partial', established_date: '2018-03-01',
    });
    expect(l.eligible).toBe(false);
    expect(l.reasons.join(' ')).toMatch(/established 2018-03-01, not before the cut-off 2016-07-14/);
    expect(l.gross).toBeNull();
  });

  it('B5: already compensated under a resource-consolidation scheme: not eligible', () => {
    const l = one('bayannur-2020', { id: 'B5' }, {
      ...BAYANNUR_BASE, licence_type: 'mining', exit_kind: 'partial', consolidation_compensated: 'yes',
    });
    expect(l.eligible).toBe(false);
    expect(l.reasons.join(' ')).toMatch(/resource-consolidation/);
    expect(l.reasons.join(' ')).toContain('资源整合补偿');
  });
});
