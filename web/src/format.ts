/**
 * How figures are shown. Areas in 平方米 / 公顷 / 平方公里 with the decimals that keep a square
 * metre visible (2 / 4 / 6), the exact m² value from the server in the title; money from the
 * server's decimal text with two decimals and thousands separators, never through a float.
 */
import type { Num } from './api.ts';
import { h } from './dom.ts';
import { lang, t } from './i18n.ts';

export type AreaUnit = 'm2' | 'ha' | 'km2';
export const AREA_UNITS: readonly AreaUnit[] = ['m2', 'ha', 'km2'];
const FACTOR: Record<AreaUnit, number> = { m2: 1, ha: 1e-4, km2: 1e-6 };
const DECIMALS: Record<AreaUnit, number> = { m2: 2, ha: 4, km2: 6 };

const UNIT_KEY = 'redline.areaUnit';
export function areaUnit(): AreaUnit {
  const u = localStorage.getItem(UNIT_KEY);
  return u === 'm2' || u === 'ha' || u === 'km2' ? u : 'ha';
}
export function setAreaUnit(u: AreaUnit): void {
  localStorage.setItem(UNIT_KEY, u);
}

export function unitLabel(u: AreaUnit): string {
  return t(u === 'm2' ? 'unit_m2' : u === 'ha' ? 'unit_ha' : 'unit_km2');
}

const locale = (): string => (lang() === 'zh' ? 'zh-CN' : 'en-GB');

/** A number with thousands separators and a fixed number of decimals. */
export function fixed(v: Num | null | undefined, decimals: number): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v);
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(n);
}

/** "12.3456 公顷" (or "12.3456" without the unit, for a column that names it) */
export function areaText(m2: Num | null | undefined, unit: AreaUnit = areaUnit(), withUnit = true): string {
  if (m2 === null || m2 === undefined || m2 === '') return '—';
  const n = fixed(Number(m2) * FACTOR[unit], DECIMALS[unit]);
  return withUnit ? `${n} ${unitLabel(unit)}` : n;
}

/** The exact value as the server sent it, for a tooltip. */
export function exactM2(m2: Num | null | undefined): string {
  return m2 === null || m2 === undefined ? '' : `${t('exact')}: ${String(m2)} ${unitLabel('m2')}`;
}

/** An area in one unit, the exact m² in its title. */
export function areaSpan(m2: Num | null | undefined, unit: AreaUnit = areaUnit(), withUnit = true): HTMLSpanElement {
  return h('span', { class: 'num', title: exactM2(m2), 'data-m2': m2 === null || m2 === undefined ? null : String(m2) }, areaText(m2, unit, withUnit));
}

/** The three units on one line each. */
export function areaAll(m2: Num | null | undefined): HTMLSpanElement {
  return h(
    'span',
    { class: 'area-all', title: exactM2(m2), 'data-m2': m2 === null || m2 === undefined ? null : String(m2) },
    ...AREA_UNITS.map((u) => h('span', { class: 'num' }, areaText(m2, u))),
  );
}

/** 0.1627753… → "16.28%" (the unrounded ratio in the title) */
export function percent(ratio: Num | null | undefined, decimals = 2): HTMLSpanElement {
  if (ratio === null || ratio === undefined || ratio === '') return h('span', null, '—');
  return h('span', { class: 'num', title: String(ratio) }, `${fixed(Number(ratio) * 100, decimals)}%`);
}

/** "1234567.8" → "1,234,567.80" from the decimal text itself (no float on the way). */
export function money(v: Num | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const text = typeof v === 'number' ? v.toFixed(2) : v.trim().replace(/,/g, '');
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return text;
  const [, sign, int, frac = ''] = m;
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  // more than two decimals: the server said so on purpose; keep them
  const decimals = frac.length <= 2 ? frac.padEnd(2, '0') : frac;
  return `${sign}${grouped}.${decimals}`;
}

export function moneySpan(v: Num | null | undefined): HTMLSpanElement {
  return h('span', { class: 'num money', title: v === null || v === undefined ? '' : String(v) }, v === null || v === undefined || v === '' ? '—' : `${money(v)} ${t('yuan')}`);
}

/** Tonnes and other plain quantities. */
export function quantity(v: Num | null | undefined, decimals = 2): HTMLSpanElement {
  return h('span', { class: 'num', title: v === null || v === undefined ? '' : String(v) }, fixed(v, decimals));
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
