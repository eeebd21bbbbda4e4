/**
 * The results table of a run: screening.csv rows filtered, counted, sorted and paged, with the
 * licence type (from the licence number, else the finance table) and the decision in force.
 * Over a county's thousands of rows, in memory.
 */
import type { Request } from 'express';
import { CHOICES } from '../compensation/finance.ts';
import type { ScreeningResult, Status } from '../screening/types.ts';
import type { Run, Store } from '../store/store.ts';
import { badRequest } from './errors.ts';
import { decisionView, resultRowView, STATUSES, zeroCounts, type Counts, type DecisionView, type LicenceType, type ResultRowView } from './views.ts';

/**
 * Chinese licence numbers start with C (采矿权, mining) or T (探矿权, exploration); other ids take
 * the type the finance table gives, else none.
 */
export function licenceTypeOf(licenceId: string, fromFinance: ReadonlyMap<string, LicenceType>): LicenceType | null {
  if (licenceId.startsWith('C')) return 'mining';
  if (licenceId.startsWith('T')) return 'exploration';
  return fromFinance.get(licenceId) ?? null;
}

export async function financeTypes(store: Store, runId: number): Promise<Map<string, LicenceType>> {
  const out = new Map<string, LicenceType>();
  for (const r of await store.finance(runId)) {
    const raw = r.cells.licence_type?.trim();
    const t = raw ? CHOICES.licence_type[raw.toLowerCase()] ?? CHOICES.licence_type[raw] : undefined;
    if (r.licenceId && t) out.set(r.licenceId, t as LicenceType);
  }
  return out;
}

/** The decision in force per licence of a run (the last one of its case). */
export async function decisionsOf(store: Store, runId: number): Promise<Map<string, DecisionView>> {
  const out = new Map<string, DecisionView>();
  for (const c of await store.listCases({ runId })) {
    const last = c.decisions[c.decisions.length - 1];
    if (last) out.set(c.licenceId, decisionView(last));
  }
  return out;
}

const SORTABLE = [
  'licence_id', 'name', 'status', 'licence_area_plane_m2', 'licence_area_ellipsoidal_m2', 'exit_area_plane_m2',
  'exit_area_ellipsoidal_m2', 'exit_ratio', 'remaining_parts', 'licence_type',
] as const;
type SortKey = (typeof SORTABLE)[number];

export interface ResultsRequest {
  status: Status[] | undefined;
  minRatio: number | undefined;
  maxRatio: number | undefined;
  zone: string | undefined;
  licenceType: LicenceType | undefined;
  q: string | undefined;
  sort: SortKey | undefined;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

function one(req: Request, name: string): string | undefined {
  const v: unknown = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name}: give it once`);
  return v;
}

function number(req: Request, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const v = one(req, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw badRequest(`${name}=${v}: expected ${what}`);
  return n;
}

export function parseResultsQuery(req: Request): ResultsRequest {
  const status = one(req, 'status');
  const statuses = status === undefined || status === '' ? undefined : status.split(',').map((s) => s.trim());
  const bad = statuses?.find((s) => !(STATUSES as readonly string[]).includes(s));
  if (bad !== undefined) throw badRequest(`status=${bad}: expected ${STATUSES.join(', ')}`);
  const type = one(req, 'licence_type');
  if (type !== undefined && type !== '' && !['mining', 'exploration', 'enterprise'].includes(type)) {
    throw badRequest(`licence_type=${type}: expected mining, exploration or enterprise`);
  }
  const sort = one(req, 'sort');
  if (sort !== undefined && sort !== '' && !(SORTABLE as readonly string[]).includes(sort)) {
    throw badRequest(`sort=${sort}: expected one of ${SORTABLE.join(', ')}`);
  }
  const order = one(req, 'order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw badRequest(`order=${order}: expected asc or desc`);
  const zone = one(req, 'zone');
  const q = one(req, 'q');
  return {
    status: statuses as Status[] | undefined,
    minRatio: number(req, 'min_ratio', () => true, 'a number'),
    maxRatio: number(req, 'max_ratio', () => true, 'a number'),
    zone: zone === '' ? undefined : zone,
    licenceType: type === '' ? undefined : (type as LicenceType | undefined),
    q: q === '' ? undefined : q,
    sort: sort === '' ? undefined : (sort as SortKey | undefined),
    order,
    limit: number(req, 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= 10_000, 'a whole number from 1 to 10000') ?? 50,
    offset: number(req, 'offset', (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0') ?? 0,
  };
}

const STATUS_RANK: Readonly<Record<Status, number>> = { none: 0, touch: 1, sliver: 2, partial: 3, whole: 4 };

function compare(key: SortKey): (a: ResultRowView, b: ResultRowView) => number {
  if (key === 'status') return (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (key === 'licence_id' || key === 'name' || key === 'licence_type') {
    return (a, b) => (a[key] ?? '').localeCompare(b[key] ?? '', 'zh');
  }
  return (a, b) => a[key] - b[key];
}

/**
 * The page of results. `counts` are per status over the rows matching every filter but the
 * status one, so a filter bar can show how many each status button would give. Rows come from
 * the run's result (cached: the map and the cases read it too), with zone ids and warnings as
 * the lists they are rather than screening.csv's joined text.
 */
export async function queryResults(
  store: Store, result: ScreeningResult | null, run: Run, r: ResultsRequest,
): Promise<{ total: number; counts: Counts; items: ResultRowView[] }> {
  const [types, decisions] = await Promise.all([financeTypes(store, run.id), decisionsOf(store, run.id)]);
  const text = r.q?.trim().toLowerCase();
  // the filters of the store's results query (ResultQuery), with its meaning: ratios inclusive, text in id or name
  let views = (result?.licences ?? [])
    .filter((l) => (r.minRatio === undefined || l.exitRatio >= r.minRatio) && (r.maxRatio === undefined || l.exitRatio <= r.maxRatio))
    .filter((l) => r.zone === undefined || l.zones.some((z) => z.zoneId === r.zone))
    .filter((l) => !text || l.licenceId.toLowerCase().includes(text) || (l.name ?? '').toLowerCase().includes(text))
    .map((l) => resultRowView(l, licenceTypeOf(l.licenceId, types), decisions.get(l.licenceId) ?? null));
  if (r.licenceType !== undefined) views = views.filter((v) => v.licence_type === r.licenceType);
  const counts = zeroCounts();
  for (const v of views) counts[v.status]++;
  if (r.status !== undefined) {
    const wanted = new Set(r.status);
    views = views.filter((v) => wanted.has(v.status));
  }
  if (r.sort !== undefined) {
    const cmp = compare(r.sort);
    const sign = r.order === 'desc' ? -1 : 1;
    // Array.prototype.sort is stable: ties keep the licence file's order
    views = [...views].sort((a, b) => sign * cmp(a, b));
  }
  return { total: views.length, counts, items: views.slice(r.offset, r.offset + r.limit) };
}
