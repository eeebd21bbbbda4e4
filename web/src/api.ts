import type { Geometry } from 'geojson';
// The API's JSON is typed by the server's own view types, imported as types only (nothing of the
// server is bundled): a change on one side that the other does not follow fails `npm test`.
import type { BBox } from '../../server/geo/types.ts';
import type { AuditView, Counts, DatasetView, DecisionView, ResultRowView, RunView } from '../../server/http/views.ts';
import type { CrsDescription } from '../../server/io/layer-crs.ts';
import type { LayerReport, ReportNote } from '../../server/io/report.ts';
import type { ZoneType } from '../../server/screening/fields.ts';
import type { Status } from '../../server/screening/types.ts';
import type { DatasetKind } from '../../server/store/store.ts';

/**
 * Typed client of the redline HTTP API (v1 contract). Every call throws an ApiError carrying the
 * server's `{ code, message }` on a 4xx/5xx, so the UI can show the message as it is.
 */

export type { BBox, Counts, DatasetKind, LayerReport, ReportNote, Status, ZoneType };
export type ReportCrs = CrsDescription;
export type Dataset = DatasetView;
export type Run = RunView;
export type Decision = DecisionView;
export type ExitKind = Decision['exit_kind'];
export type AuditEntry = AuditView;
export type ResultRow = ResultRowView;
/** the server's list (server/http/views.ts) is a value: the browser keeps its own copy */
export const STATUSES: readonly Status[] = ['whole', 'partial', 'sliver', 'touch', 'none'];
export type Policy = 'hainan-2023' | 'bayannur-2020';
/** CSV figures may come back as numbers or as exact decimal text */
export type Num = number | string;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- uploads, runs and results

export interface UploadResult { id: string; status: 'ready' | 'needs_crs'; report: LayerReport }

export interface ResultQuery {
  status?: Status[];
  min_ratio?: number;
  max_ratio?: number;
  zone?: string;
  licence_type?: 'mining' | 'exploration';
  q?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface ResultsPage { total: number; counts: Counts; items: ResultRow[] }

export interface ZoneOverlap {
  zone_id: string;
  zone_name: string;
  zone_type: string;
  overlap_area_plane_m2: Num;
  overlap_area_ellipsoidal_m2: Num;
}

export interface BlockRow {
  licence_id: string;
  block_id: string;
  category: string;
  block_area_plane_m2: Num;
  ore_t: Num | null;
  metal_t: Num | null;
  exit_fraction: Num;
  exit_ore_t: Num | null;
  exit_metal_t: Num | null;
  note: string | null;
}

// ---------------------------------------------------------------- compensation (compensation.json per licence)

export interface TraceInput { name: string; value: string; unit: string; source: string }
export interface LineItemTrace {
  item: string;
  rule: string;
  clause: string;
  formula: string;
  inputs: TraceInput[];
  unrounded?: string;
  result_yuan: string;
  payers?: Record<string, string>;
}
export interface LicenceCompensation {
  licence_id: string;
  eligible: boolean;
  exit_kind?: ExitKind;
  reasons: string[];
  checks?: Array<{ clause: string; passed: boolean; text: string }>;
  line_items: LineItemTrace[];
  restoration?: { status: string; clause: string; formula: string; inputs: TraceInput[]; deduction_yuan: string } | null;
  gross_yuan: string | null;
  restoration_deduction_yuan: string | null;
  payable_yuan: string | null;
  owed_by_holder_yuan: string | null;
  payers?: Record<string, string> | null;
  warnings: string[];
}
export interface CompensationResponse { policy: Policy; items: Array<Record<string, string>>; warnings: string[] }

export type FinanceCells = Record<string, string | null>;

export interface CaseDetail {
  licence: ResultRow;
  zones: ZoneOverlap[];
  blocks: BlockRow[];
  geometry: { licence: Geometry; exit_range: Geometry | null; remaining_range: Geometry | null };
  bbox: BBox;
  /** the finance row: its cells, flat or under `cells` */
  finance: (FinanceCells & { cells?: FinanceCells }) | null;
  compensation: { policy: Policy; result: LicenceCompensation } | null;
  decision: Decision | null;
  audit: AuditEntry[];
}

export interface Settings { basemap_url: string | null; division_code: string; language: 'zh' | 'en' }

// ---------------------------------------------------------------- transport

async function failure(res: Response): Promise<ApiError> {
  let code = 'internal';
  let message = `HTTP ${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { code?: string; message?: string };
    if (body.code) code = body.code;
    if (body.message) message = body.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message);
}

/** The reviewer's name (the decision form's 经办人), sent so the audit log names who changed what. */
export const USER_KEY = 'redline.by';
function userHeader(): Record<string, string> {
  const name = localStorage.getItem(USER_KEY)?.trim();
  return name ? { 'X-Redline-User': encodeURIComponent(name) } : {};
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const headers = { Accept: 'application/json', ...userHeader(), ...((init?.headers as Record<string, string> | undefined) ?? {}) };
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  body: JSON.stringify(body),
});
const enc = encodeURIComponent;

export interface UploadOptions { kind?: DatasetKind; zoneType?: ZoneType; crs?: string; layer?: string; encoding?: string }

/** Multipart upload through XMLHttpRequest, for its upload progress events. */
export function uploadDataset(file: File, opts: UploadOptions, onProgress?: (fraction: number) => void): Promise<UploadResult> {
  const form = new FormData();
  form.append('file', file, file.name);
  if (opts.kind) form.append('kind', opts.kind);
  // not in the v1 contract: which zone type a zone file holds, when its features do not say
  if (opts.zoneType) form.append('zone_type', opts.zoneType);
  if (opts.crs) form.append('crs', opts.crs);
  if (opts.layer) form.append('layer', opts.layer);
  if (opts.encoding) form.append('encoding', opts.encoding);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/datasets');
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(userHeader())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onload = () => {
      let body: { code?: string; message?: string } & Partial<UploadResult> = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // leave empty
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as UploadResult);
      else reject(new ApiError(xhr.status, body.code ?? 'internal', body.message ?? `HTTP ${xhr.status}`));
    };
    xhr.send(form);
  });
}

export const api = {
  health: () => call<{ status: string; version: string }>('/api/health'),
  datasets: () => call<{ items: Dataset[] }>('/api/datasets').then((r) => r.items),
  dataset: (id: string) => call<Dataset>(`/api/datasets/${enc(id)}`),
  confirmCrs: (id: string, crs: string) => call<Dataset>(`/api/datasets/${enc(id)}/confirm`, json('POST', { crs })),

  runs: () => call<{ items: Run[] }>('/api/runs').then((r) => r.items),
  run: (id: string) => call<Run>(`/api/runs/${enc(id)}`),
  startRun: (body: { licences: string; zones: string[]; reserves?: string; sliver_m2?: number }) =>
    call<{ id: string }>('/api/runs', json('POST', body)),
  results(runId: string, q: ResultQuery): Promise<ResultsPage> {
    const p = new URLSearchParams();
    if (q.status && q.status.length > 0) p.set('status', q.status.join(','));
    if (q.min_ratio !== undefined) p.set('min_ratio', String(q.min_ratio));
    if (q.max_ratio !== undefined) p.set('max_ratio', String(q.max_ratio));
    if (q.zone) p.set('zone', q.zone);
    if (q.licence_type) p.set('licence_type', q.licence_type);
    if (q.q) p.set('q', q.q);
    if (q.sort) p.set('sort', q.sort);
    if (q.order) p.set('order', q.order);
    p.set('limit', String(q.limit ?? 50));
    p.set('offset', String(q.offset ?? 0));
    return call<ResultsPage>(`/api/runs/${enc(runId)}/results?${p.toString()}`);
  },
  caseDetail: (runId: string, licenceId: string) => call<CaseDetail>(`/api/runs/${enc(runId)}/cases/${enc(licenceId)}`),
  putDecision: (runId: string, licenceId: string, d: { exit_kind: ExitKind; reviewed: boolean; note: string; by: string }) =>
    call<Decision>(`/api/runs/${enc(runId)}/cases/${enc(licenceId)}/decision`, json('PUT', d)),
  /** empty cells as null: the server clears them */
  putFinance: (runId: string, licenceId: string, cells: Record<string, string | null>) =>
    call<FinanceCells>(`/api/runs/${enc(runId)}/cases/${enc(licenceId)}/finance`, json('PUT', cells)),
  uploadFinance(runId: string, file: File): Promise<{ rows: number }> {
    const form = new FormData();
    form.append('file', file, file.name);
    return call<{ rows: number }>(`/api/runs/${enc(runId)}/finance`, { method: 'POST', body: form });
  },
  compensate: (runId: string, policy: Policy) => call<CompensationResponse>(`/api/runs/${enc(runId)}/compensation`, json('POST', { policy })),
  audit: (runId: string, licenceId: string) =>
    call<{ items: AuditEntry[] }>(`/api/runs/${enc(runId)}/cases/${enc(licenceId)}/audit`).then((r) => r.items),

  settings: () => call<Settings>('/api/settings'),
  putSettings: (s: Settings) => call<Settings>('/api/settings', json('PUT', s)),
};

/** Absolute URLs for the map (its workers fetch tiles, and resolve relative URLs against their own). */
export const urls = {
  abs: (path: string): string => new URL(path, window.location.href).href,
  datasetTiles: (id: string): string => urls.abs(`/api/tiles/${enc(id)}/`) + '{z}/{x}/{y}.pbf',
  runLayer: (runId: string, layer: 'exit_ranges' | 'remaining_parts'): string => urls.abs(`/api/runs/${enc(runId)}/layers/${layer}.geojson`),
  outlines: (): string => urls.abs('/api/basemap/outlines.geojson'),
  events: (runId: string): string => `/api/runs/${enc(runId)}/events`,
};
