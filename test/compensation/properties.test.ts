import { describe, expect, it } from 'vitest';
import { Dec, roundYuan, sum, type Decimal } from '../../server/compensation/money.ts';
import type { LicenceCompensation } from '../../server/compensation/types.ts';
import { BAYANNUR_BASE, HAINAN_BASE, one } from './fixtures.ts';

/**
 * Property tests: a seeded PRNG (mulberry32), so every run checks the same few hundred cases and
 * a failure names the case that fails.
 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CASES = 200;

/** A decimal with `places` decimals below `max`, as text (never through a float's digits). */
function dec(rand: () => number, max: number, places: number): string {
  const scale = 10 ** places;
  return new Dec(Math.floor(rand() * max * scale)).div(scale).toFixed(places);
}

type Kind = 'hainan-mining' | 'hainan-exploration-reserves' | 'hainan-exploration-area' | 'bayannur-mining' | 'bayannur-exploration';
const KINDS: readonly Kind[] = ['hainan-mining', 'hainan-exploration-reserves', 'hainan-exploration-area', 'bayannur-mining', 'bayannur-exploration'];

interface Case {
  kind: Kind;
  whole: boolean;
  P: string;
  area: string;
  exitArea: string;
  ore: string;
  exitOre: string;
  basis: string;
  other: string;
  fiscal: string;
  restorationCost: string | null;
}

function randomCase(rand: () => number, kind: Kind): Case {
  const area = dec(rand, 5e6, 3);
  const ore = dec(rand, 5e6, 2);
  return {
    kind,
    whole: rand() < 0.25,
    P: dec(rand, 5e7, 2),
    area: new Dec(area).plus(1).toFixed(),
    exitArea: new Dec(area).times(rand().toFixed(6)).toFixed(3),
    ore,
    exitOre: new Dec(ore).times(rand().toFixed(6)).toFixed(4),
    basis: dec(rand, 1e7, 1) + '1',
    other: dec(rand, 1e7, 2),
    fiscal: rand() < 0.3 ? '0' : rand().toFixed(4),
    restorationCost: rand() < 0.4 ? dec(rand, 2e7, 2) : null,
  };
}

function compute(c: Case): LicenceCompensation {
  const licence = { id: 'L', status: c.whole ? 'whole' as const : 'partial' as const, area: c.area, exitArea: c.exitArea, blocks: [{ id: 'K', ore: c.ore, exitOre: c.exitOre }] };
  const restoration: Record<string, string> = c.restorationCost === null
    ? { restoration: 'accepted' }
    : { restoration: 'not_done', restoration_cost_yuan: c.restorationCost };
  const common = { exit_kind: c.whole ? 'whole' : 'partial', paid_price_yuan: c.P, reserve_quantity: 'ore', basis_reserves_t: c.basis, ...restoration };
  switch (c.kind) {
    case 'hainan-mining':
      return one('hainan-2023', licence, { ...HAINAN_BASE, ...common, licence_type: 'mining', facilities_yuan: c.other, relocation_yuan: '12.34' });
    case 'hainan-exploration-reserves':
    case 'hainan-exploration-area':
      return one('hainan-2023', licence, {
        ...HAINAN_BASE, ...common, licence_type: 'exploration', price_basis: c.kind.endsWith('area') ? 'area' : 'reserves',
        exploration_investment_yuan: c.other, fiscal_share: c.fiscal,
      });
    case 'bayannur-mining':
      return one('bayannur-2020', licence, { ...BAYANNUR_BASE, ...common, licence_type: 'mining', appraised_investment_yuan: c.other, approval_level: 'province' });
    case 'bayannur-exploration':
      return one('bayannur-2020', licence, { ...BAYANNUR_BASE, ...common, licence_type: 'exploration', appraised_investment_yuan: c.other });
  }
}

/** The price refund recomputed from the case, independently of the engine's code paths. */
function expectedRefund(c: Case): Decimal {
  const P = new Dec(c.P);
  const byArea = c.kind === 'hainan-exploration-area' || c.kind === 'bayannur-exploration';
  if (byArea) return c.whole ? P : P.times(c.exitArea).div(c.area);
  return P.times(c.whole ? c.ore : c.exitOre).div(c.basis);
}

const refund = (l: LicenceCompensation): Decimal => l.lineItems.find((i) => i.item === 'price_refund')!.result;

describe('rounding on the exact value', () => {
  it('a refund exactly on a half fen rounds up, though the ratio (5/14) has no finite decimal', () => {
    // 1.19 × 5 / 14 = 0.425 exactly; through a 40-digit ratio it is 0.42499… and would round down
    const c: Case = {
      kind: 'hainan-mining', whole: false, P: '1.19', area: '1000', exitArea: '500', ore: '10', exitOre: '5', basis: '14',
      other: '0', fiscal: '0', restorationCost: null,
    };
    expect(refund(compute(c)).toFixed(2)).toBe('0.43');
    expect(roundYuan(new Dec('1.19').times(new Dec(5).div(14))).toFixed(2)).toBe('0.42');
  });
});

describe('properties (seeded)', () => {
  it('each line item is rounded once: result = round(exact formula), totals are sums of rounded items', () => {
    const rand = prng(20241123);
    for (let n = 0; n < CASES; n++) {
      const c = randomCase(rand, KINDS[n % KINDS.length]);
      const l = compute(c);
      expect(refund(l).eq(roundYuan(expectedRefund(c))), JSON.stringify(c)).toBe(true);
      for (const i of l.lineItems) {
        expect(i.result.eq(roundYuan(i.amount))).toBe(true);
        expect(i.result.decimalPlaces()).toBeLessThanOrEqual(2);
        const p = i.payers;
        expect(sum([p.central, p.province, p.cityCounty, p.localUnsplit, p.unallocated]).eq(i.result)).toBe(true);
      }
      expect(l.gross!.eq(sum(l.lineItems.map((i) => i.result)))).toBe(true);
      expect(l.payable!.minus(l.owedByHolder!).eq(l.gross!.minus(l.restorationDeduction!))).toBe(true);
    }
  });

  it('no line item, payable or owed amount is negative', () => {
    const rand = prng(7);
    for (let n = 0; n < CASES; n++) {
      const l = compute(randomCase(rand, KINDS[n % KINDS.length]));
      for (const i of l.lineItems) expect(i.result.isNegative(), i.item).toBe(false);
      expect(l.payable!.isNegative() || l.owedByHolder!.isNegative()).toBe(false);
      expect(l.payable!.isZero() || l.owedByHolder!.isZero()).toBe(true);
    }
  });

  it('the refund grows with the exit area', () => {
    const rand = prng(42);
    for (let n = 0; n < CASES; n++) {
      const c = { ...randomCase(rand, n % 2 ? 'hainan-exploration-area' : 'bayannur-exploration'), whole: false };
      const larger = { ...c, exitArea: new Dec(c.exitArea).plus(dec(rand, 1000, 3)).toFixed() };
      expect(refund(compute(larger)).gte(refund(compute(c))), JSON.stringify(c)).toBe(true);
    }
  });

  it('the refund grows with the exit reserves', () => {
    const rand = prng(4242);
    const kinds: Kind[] = ['hainan-mining', 'hainan-exploration-reserves', 'bayannur-mining'];
    for (let n = 0; n < CASES; n++) {
      const c = { ...randomCase(rand, kinds[n % kinds.length]), whole: false };
      const larger = { ...c, exitOre: new Dec(c.exitOre).plus(dec(rand, 1000, 4)).toFixed() };
      expect(refund(compute(larger)).gte(refund(compute(c))), JSON.stringify(c)).toBe(true);
    }
  });

  it('a whole exit refunds the full area-based price, whatever the screening measured', () => {
    const rand = prng(99);
    for (let n = 0; n < CASES; n++) {
      const c = { ...randomCase(rand, n % 2 ? 'hainan-exploration-area' : 'bayannur-exploration'), whole: true };
      expect(refund(compute(c)).toFixed(2)).toBe(new Dec(c.P).toFixed(2));
    }
  });
});
