import { describe, expect, it } from 'vitest';
import { InputError } from '../../server/errors.ts';
import { BAYANNUR_BASE, HAINAN_BASE, item, one, run } from './fixtures.ts';

const MINING = { licence_type: 'mining', exit_kind: 'partial', paid_price_yuan: '1000000.00', reserve_quantity: 'ore', basis_reserves_t: '1000', facilities_yuan: '0' };
const BLOCKS = [{ id: 'K1', ore: '500', exitOre: '250' }];

describe('eligibility', () => {
  it('hainan: a licence that is not valid is compensated only when a court or reconsideration orders it', () => {
    const ordered = one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, licence_valid: 'no', court_ordered: 'yes' });
    expect(ordered.eligible).toBe(true);
    expect(ordered.checks.some((c) => c.text.includes('法院裁定或行政复议决定'))).toBe(true);
    const not = one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, licence_valid: 'no', court_ordered: 'no' });
    expect(not.eligible).toBe(false);
    expect(not.reasons[0]).toMatch(/not legal and valid.*琼自然资规〔2023〕7号 二/);
  });

  it('hainan does not cover other industrial enterprises', () => {
    const l = one('hainan-2023', { id: 'E1' }, { ...HAINAN_BASE, licence_type: 'enterprise', exit_kind: 'whole', enterprise_amount_yuan: '5' });
    expect(l.eligible).toBe(false);
    expect(l.reasons[0]).toMatch(/does not cover this kind of licence \(enterprise\)/);
  });

  it('a licence outside the zones, or meeting them in a sliver only, has no exit', () => {
    for (const status of ['none', 'touch', 'sliver'] as const) {
      const l = one('hainan-2023', { id: 'C1', status, exitArea: '0' }, { ...HAINAN_BASE, ...MINING });
      expect(l.eligible).toBe(false);
      expect(l.reasons[0]).toMatch(status === 'sliver' ? /sliver.*not an exit/ : /does not lie in the ecological protection red line/);
    }
  });

  it('bayannur lists every failed condition, in the document\'s words', () => {
    const l = one('bayannur-2020', { id: 'C1' }, {
      ...BAYANNUR_BASE, ...MINING, established_date: '2016-07-14', licence_valid: 'no', consolidation_compensated: 'yes',
    });
    expect(l.eligible).toBe(false);
    expect(l.reasons).toHaveLength(3);
    expect(l.reasons[1]).toMatch(/not valid.*延续、保留登记/);
  });

  it('bayannur: an illegal enterprise is banned, a legal one gets the amount the banner/county set, paid by it', () => {
    const illegal = one('bayannur-2020', { id: 'E1' }, { ...BAYANNUR_BASE, licence_type: 'enterprise', exit_kind: 'whole', licence_valid: 'no' });
    expect(illegal.reasons[0]).toMatch(/illegal enterprise.*非法工矿企业依法取缔/);
    const legal = one('bayannur-2020', { id: 'E1' }, { ...BAYANNUR_BASE, licence_type: 'enterprise', exit_kind: 'whole', enterprise_amount_yuan: '765432.10' });
    expect(legal.eligible).toBe(true);
    expect(item(legal, 'investment')).toBe('765432.10');
    expect(legal.payers?.cityCounty.toFixed(2)).toBe('765432.10');
  });

  it('an enterprise need not be in the screening, with a warning', () => {
    const r = run('bayannur-2020', [], [{ ...BAYANNUR_BASE, licence_id: 'E9', licence_type: 'enterprise', exit_kind: 'whole', enterprise_amount_yuan: '1' }]);
    expect(r.licences[0].eligible).toBe(true);
    expect(r.licences[0].warnings.join()).toMatch(/not in the screening/);
  });

  it('the cut-off date is a profile option', () => {
    const l = one('bayannur-2020', { id: 'C1', blocks: BLOCKS }, { ...BAYANNUR_BASE, ...MINING, appraised_investment_yuan: '0', established_date: '2017-01-01' },
      { config: { source: 'bureau.json', options: { cutoff_date: '2018-01-01' } } });
    expect(l.eligible).toBe(true);
  });
});

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('finance values', () => {
  it('a missing value that a rule needs is an error naming the licence and the column', () => {
    const e = inputError(() => one('hainan-2023', { id: 'C77', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, basis_reserves_t: null }));
    expect(e.message).toBe('finance.csv: row 2 (licence C77): column basis_reserves_t is empty; the price refund by reserves needs it');
  });

  it('a column the table lacks is named too', () => {
    const row: Record<string, string | null> = { ...HAINAN_BASE, ...MINING };
    delete row.facilities_yuan;
    const e = inputError(() => one('hainan-2023', { id: 'C77', blocks: BLOCKS }, row));
    expect(e.message).toMatch(/licence C77\): column facilities_yuan is not in the table/);
  });

  it('an empty cell no rule needs is fine; relocation not given means none claimed', () => {
    const l = one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, appraised_investment_yuan: null, relocation_yuan: null });
    expect(l.lineItems[1].formula).toMatch(/relocation_yuan not given: none claimed/);
  });

  it('values are checked when read, even in columns no rule of the licence uses', () => {
    expect(inputError(() => one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, enterprise_amount_yuan: 'abc' })).message)
      .toMatch(/column enterprise_amount_yuan is "abc"; expected a number in yuan/);
    expect(inputError(() => one('hainan-2023', { id: 'C1' }, { ...HAINAN_BASE, ...MINING, licence_type: 'quarry' })).message)
      .toMatch(/licence_type is "quarry"; expected exploration or mining or enterprise/);
    expect(inputError(() => one('hainan-2023', { id: 'C1' }, { ...HAINAN_BASE, ...MINING, paid_price_yuan: '1.23457E+07' })).message)
      .toMatch(/exponent notation/);
    expect(inputError(() => one('hainan-2023', { id: 'C1' }, { ...HAINAN_BASE, ...MINING, paid_price_yuan: '-5' })).message)
      .toMatch(/cannot be negative/);
    expect(inputError(() => one('hainan-2023', { id: 'C1' }, { ...HAINAN_BASE, ...MINING, fiscal_share: '1.2' })).message)
      .toMatch(/share from 0 to 1/);
  });

  it('accepts what bureaus type: thousands separators, percentages, Chinese words, dates with slashes', () => {
    const l = one('hainan-2023', { id: 'C1', area: '4000000', exitArea: '1000000' }, {
      ...HAINAN_BASE, licence_type: '探矿权', exit_kind: '部分退出', price_basis: '面积', paid_price_yuan: '1,000,000.00',
      exploration_investment_yuan: '400,000', fiscal_share: '25%', licence_valid: '是', restoration: '已验收', established_date: '2019/5/20',
    });
    expect(item(l, 'price_refund')).toBe('250000.00');
    expect(item(l, 'investment')).toBe('75000.00');
  });

  it('a licence that is not in the screening, or twice in the table, is an error', () => {
    expect(inputError(() => run('hainan-2023', [], [{ ...HAINAN_BASE, ...MINING, licence_id: 'C404' }])).message)
      .toMatch(/licence C404\): column licence_id names a licence that is not in screening.csv/);
    const row = { ...HAINAN_BASE, ...MINING, licence_id: 'C1' };
    expect(inputError(() => run('hainan-2023', [{ id: 'C1', blocks: BLOCKS }], [row, row])).message)
      .toMatch(/row 3: licence C1 is already in row 2/);
  });

  it('money with more than two decimals is used as given, with a warning', () => {
    const l = one('hainan-2023', { id: 'C1', blocks: BLOCKS }, { ...HAINAN_BASE, ...MINING, paid_price_yuan: '1000000.0049999999' });
    expect(item(l, 'price_refund')).toBe('250000.00');
    expect(l.warnings.join()).toMatch(/more than two decimals/);
  });
});

describe('the zones of the screening', () => {
  it('refuses a screening against other zone types than the profile\'s', () => {
    const e = inputError(() => run('hainan-2023', [{ id: 'C1' }], [{ ...HAINAN_BASE, ...MINING, licence_id: 'C1' }], { zoneTypes: ['nature_reserve', 'redline'] }));
    expect(e.message).toMatch(/^run.json: the screening ran against nature_reserve and redline zones, but hainan-2023 counts only the ecological protection red line/);
    expect(e.message).toMatch(/screen again with only the redline layer\(s\) as --zones/);
  });

  it('without run.json it warns and goes on', () => {
    const r = run('hainan-2023', [{ id: 'C1', blocks: BLOCKS }], [{ ...HAINAN_BASE, ...MINING, licence_id: 'C1' }], { zoneTypes: null });
    expect(r.warnings[0]).toMatch(/no run.json.*make sure it ran against the ecological protection red line \(生态保护红线\) only/);
    expect(r.licences[0].eligible).toBe(true);
  });
});
