/**
 * The JSON the API returns, from the store's records: names are the glossary's and the CSV
 * columns' (snake_case), ids are public (`ds_3`, `run_12`).
 */
import { crsFromEpsg, crsName } from '../geo/crs.ts';
import type { LayerReport } from '../io/report.ts';
import { screeningValues, type ScreeningValues } from '../io/screening-out.ts';
import type { ZoneType } from '../screening/fields.ts';
import type { LicenceResult, Status } from '../screening/types.ts';
import type { AuditEntry, Dataset, Decision, Json, Run } from '../store/store.ts';
import { datasetId, runId } from './ids.ts';
import { datasetStatus } from './import.ts';

export type Counts = Record<Status, number>;
export const STATUSES: readonly Status[] = ['whole', 'partial', 'sliver', 'touch', 'none'];

export function zeroCounts(): Counts {
  return { whole: 0, partial: 0, sliver: 0, touch: 0, none: 0 };
}

export interface DatasetView {
  id: string;
  name: string;
  kind: Dataset['kind'];
  format: string;
  feature_count: number;
  status: 'ready' | 'needs_crs';
  crs: { epsg: number | null; name: string; status: 'found' | 'suggested' };
  division_code: string;
  created_at: string;
  created_by: string;
  /** CGCS2000 lon/lat extent, null while the CRS is unknown */
  bbox: [number, number, number, number] | null;
  report: LayerReport;
}

function crsLabel(epsg: number | null): string {
  if (epsg === null) return 'unknown';
  try {
    return crsName(crsFromEpsg(epsg));
  } catch {
    return `EPSG:${epsg}`;
  }
}

export function datasetView(ds: Dataset): DatasetView {
  return {
    id: datasetId(ds.id),
    name: ds.name,
    kind: ds.kind,
    format: ds.layer.format,
    feature_count: ds.featureCount,
    status: datasetStatus(ds),
    crs: { epsg: ds.crs.epsg, name: crsLabel(ds.crs.epsg), status: ds.crs.confirmed ? 'found' : 'suggested' },
    division_code: ds.divisionCode,
    created_at: ds.createdAt,
    created_by: ds.createdBy,
    bbox: ds.bboxLonLat,
    report: ds.report,
  };
}

export interface RunView {
  id: string;
  status: Run['status'];
  progress: { done: number; total: number };
  error: string | null;
  counts: Counts | null;
  licences: string;
  zones: string[];
  reserves: string | null;
  created_at: string;
  created_by: string;
  finished_at: string | null;
  zone_types: ZoneType[];
  sliver_m2: number;
  warnings: string[];
}

export function runView(run: Run, zoneTypes: ZoneType[]): RunView {
  const o = run.options as { sliver_m2?: number } | null;
  return {
    id: runId(run.id),
    status: run.status,
    progress: run.progress,
    error: run.message,
    counts: run.summary ? { ...zeroCounts(), ...run.summary.counts } : null,
    licences: datasetId(run.licences),
    zones: run.zones.map(datasetId),
    reserves: run.reserves === null ? null : datasetId(run.reserves),
    created_at: run.createdAt,
    created_by: run.createdBy,
    finished_at: run.finishedAt,
    zone_types: zoneTypes,
    sliver_m2: o?.sliver_m2 ?? 1,
    warnings: run.summary?.warnings ?? [],
  };
}

export interface DecisionView {
  exit_kind: 'whole' | 'partial';
  reviewed: boolean;
  note: string | null;
  by: string;
  at: string;
}

export function decisionView(d: Decision): DecisionView {
  return { exit_kind: d.exitKind, reviewed: d.reviewed, note: d.note, by: d.decidedBy, at: d.decidedAt };
}

export interface AuditView {
  at: string;
  by: string;
  action: string;
  entity: string;
  before: Json;
  after: Json;
}

export function auditView(a: AuditEntry): AuditView {
  return { at: a.at, by: a.actor, action: a.action, entity: a.entity, before: a.before, after: a.after };
}

export type LicenceType = 'mining' | 'exploration' | 'enterprise';

/** A result row: the screening.csv columns under the same names, and what the review adds. */
export interface ResultRowView extends ScreeningValues {
  licence_type: LicenceType | null;
  decision: DecisionView | null;
}

export function resultRowView(l: LicenceResult, licenceType: LicenceType | null, decision: DecisionView | null): ResultRowView {
  return { ...screeningValues(l), licence_type: licenceType, decision };
}
