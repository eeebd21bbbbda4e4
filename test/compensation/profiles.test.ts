import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../server/compensation/engine.ts';
import type { Profile } from '../../server/compensation/profile.ts';
import { findProfile, profileIds } from '../../server/compensation/registry.ts';
import { carriedAmount, byApprovalLevel, priceRefundByArea } from '../../server/compensation/rules.ts';
import { checkRevenueShares } from '../../server/compensation/config.ts';
import { item, money, one } from './fixtures.ts';

const DIR = fileURLToPath(new URL('../../server/compensation/', import.meta.url));

describe('profile registry', () => {
  it('holds hainan-2023 and bayannur-2020, with their zone types', () => {
    expect(profileIds()).toEqual(['hainan-2023', 'bayannur-2020']);
    expect(findProfile('hainan-2023')?.zoneTypes).toEqual(['redline']);
    expect(findProfile('bayannur-2020')?.zoneTypes).toEqual(['nature_reserve']);
    expect(findProfile('guangxi-2099')).toBeNull();
    expect(() => resolveProfile('guangxi-2099')).toThrow(/unknown profile "guangxi-2099"; profiles are hainan-2023, bayannur-2020/);
  });

  it('default revenue-share tables are valid (dated, adding up, not overlapping)', () => {
    for (const id of profileIds()) {
      const p = findProfile(id)!;
      expect(checkRevenueShares(p.revenueShares.map((r) => ({ ...r, city_county: r.cityCounty })), id)).toHaveLength(p.revenueShares.length);
    }
  });

  it('the engine never names a province: only profiles/ and the registry do', () => {
    const names = /hainan|bayannur|海南|巴彦淖尔|琼|内蒙古|inner mongolia/i;
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'registry.ts')) {
      expect(readFileSync(join(DIR, file), 'utf8'), file).not.toMatch(names);
    }
  });

  it('a third profile is one module: the engine runs it unchanged', () => {
    // a made-up policy: area-based refunds in "red line" zones, investment paid by the city/county
    const test2030: Profile = {
      id: 'test-2030',
      title: 'A test policy',
      document: 'Test〔2030〕1号',
      zoneTypes: ['redline'],
      zoneWords: 'the test zones',
      licenceTypes: ['exploration'],
      options: [],
      revenueShares: [{ from: '2000-01-01', to: null, central: '0.5', local: '0.5', province: '0.25', cityCounty: '0.25', source: 'Test〔2030〕1号 第九条' }],
      restoration: { clause: 'Test〔2030〕1号 第五条', zeroStatuses: ['accepted'], words: 'deducted' },
      paymentConditions: 'on signature',
      deadlines: [],
      usesFacilities: false,
      eligibility: (ctx) => [{ clause: '第二条', passed: ctx.f.yesNo('licence_valid', 'validity'), text: 'valid licence' }],
      lineItems: (ctx) => [
        priceRefundByArea(ctx, { rule: 'area refund', clause: '第三条' }),
        carriedAmount(ctx, 'investment', 'appraised_investment_yuan', { rule: 'appraised', clause: '第四条', formula: 'input' }, byApprovalLevel(ctx, '第九条')),
      ],
    };
    const l = one(test2030, { id: 'T1', area: '1000000', exitArea: '250000' }, {
      licence_type: 'exploration', exit_kind: 'partial', licence_valid: 'yes', paid_price_yuan: '1000.00', restoration: 'accepted',
      appraised_investment_yuan: '10.00', approval_level: 'city_county', established_date: '2020-01-01',
    });
    expect(item(l, 'price_refund')).toBe('250.00');
    expect([money(l.payers!.central), money(l.payers!.province), money(l.payers!.cityCounty)]).toEqual(['125.00', '62.50', '72.50']);
    expect(money(l.payable)).toBe('260.00');
  });
});
