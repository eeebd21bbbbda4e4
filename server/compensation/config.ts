import { InputError } from '../errors.ts';
import { parseDate } from './finance.ts';
import { Dec, ONE, parseDecimal } from './money.ts';
import type { OptionSpec, OptionValue, RevenueShareRow } from './types.ts';

/**
 * A profile's readings of ambiguous clauses are named options, and its revenue-share table is
 * data: a bureau changes either in a configuration file (JSON), not in code. This module checks
 * such a configuration; reading the file is the caller's business.
 */

export interface ProfileConfig {
  /** file name for messages */
  source: string;
  /** option key → value, e.g. { "fiscal_reduction_applies_to": ["investment", "price"] } */
  options?: Record<string, unknown>;
  /** replaces the profile's revenue-share table */
  revenue_shares?: unknown;
}

function oneOf(key: string, values: readonly string[]): (v: unknown) => OptionValue {
  return (v) => {
    if (typeof v !== 'string' || !values.includes(v)) throw new Error(`${key} must be one of ${values.join(', ')}`);
    return v;
  };
}

/** Options every profile has: how areas are measured and compared. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'area_measure',
    description: 'which computed areas (A_lic, A_exit) the formulas use: "plane" (the spec: Gauss-Krüger plane area) or "ellipsoidal" (TD/T 1055 appendix D)',
    default: 'plane',
    parse: oneOf('area_measure', ['plane', 'ellipsoidal']),
  },
  {
    key: 'certificate_tolerance',
    description: 'relative difference between the certificate area and the computed licence area above which a warning is given',
    default: '0.005',
    parse: (v) => {
      const d = typeof v === 'number' || typeof v === 'string' ? parseDecimal(String(v)) : null;
      if (d === null || d.lt(0)) throw new Error('certificate_tolerance must be a number ≥ 0, e.g. 0.005');
      return d.toFixed();
    },
  },
];

/** Defaults overlaid with the configured values; unknown keys are errors (a typo would be silent). */
export function resolveOptions(
  specs: readonly OptionSpec[],
  configured: Record<string, unknown> | undefined,
  source: string,
): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const s of specs) out[s.key] = s.default;
  for (const [key, value] of Object.entries(configured ?? {})) {
    const spec = specs.find((s) => s.key === key);
    if (!spec) throw new InputError(source, `unknown option "${key}"; options are ${specs.map((s) => s.key).join(', ')}`);
    try {
      out[key] = spec.parse(value);
    } catch (err) {
      throw new InputError(source, (err as Error).message);
    }
  }
  return out;
}

function shareText(v: unknown, what: string): string {
  const d = typeof v === 'number' || typeof v === 'string' ? parseDecimal(String(v)) : null;
  if (d === null || d.lt(0) || d.gt(1)) throw new Error(`${what} must be a share from 0 to 1`);
  return d.toFixed();
}

/**
 * Checks a revenue-share table: dates in order without overlap, central + local = 1 and, where
 * the local share is split, province + city-county = local. Returns the rows in date order.
 */
export function checkRevenueShares(rows: unknown, source: string): RevenueShareRow[] {
  if (!Array.isArray(rows) || rows.length === 0) throw new InputError(source, 'revenue_shares must be a non-empty list of rows');
  const out = rows.map((r: unknown, i): RevenueShareRow => {
    const where = `revenue_shares row ${i + 1}`;
    try {
      if (typeof r !== 'object' || r === null) throw new Error('is not an object');
      const o = r as Record<string, unknown>;
      const from = typeof o.from === 'string' ? parseDate(o.from) : null;
      if (!from) throw new Error('needs "from", a date such as 2017-07-01');
      const to = o.to === null || o.to === undefined ? null : typeof o.to === 'string' ? parseDate(o.to) : null;
      if (o.to !== null && o.to !== undefined && !to) throw new Error('"to" must be a date or null');
      if (typeof o.source !== 'string' || o.source.trim() === '') throw new Error('needs "source": the document that sets the shares');
      const central = shareText(o.central, 'central');
      const local = shareText(o.local, 'local');
      if (!new Dec(central).plus(local).eq(ONE)) throw new Error('central + local must be 1');
      const split = o.province !== undefined && o.province !== null;
      const province = split ? shareText(o.province, 'province') : null;
      const cityCounty = split ? shareText(o.city_county ?? o.cityCounty, 'city_county') : null;
      if (province !== null && cityCounty !== null && !new Dec(province).plus(cityCounty).eq(local)) {
        throw new Error('province + city_county must equal local');
      }
      return { from, to, central, local, province, cityCounty, source: o.source };
    } catch (err) {
      throw new InputError(source, `${where} ${(err as Error).message}`);
    }
  });
  out.sort((a, b) => a.from.localeCompare(b.from));
  for (let i = 1; i < out.length; i++) {
    const prev = out[i - 1];
    if (prev.to === null || prev.to >= out[i].from) {
      throw new InputError(source, `revenue_shares rows from ${prev.from} and from ${out[i].from} overlap: end the first before the second begins`);
    }
  }
  return out;
}

/** The revenue-share row in force on a date, or null. */
export function revenueShareOn(rows: readonly RevenueShareRow[], date: string): RevenueShareRow | null {
  return rows.find((r) => r.from <= date && (r.to === null || date <= r.to)) ?? null;
}
