/**
 * The store of the service: what the HTTP layer keeps between requests — imported datasets, the
 * screening runs and their results, finance inputs, compensation results, cases with their
 * decisions, and an append-only audit log. Types (and the error every implementation throws)
 * only: the one implementation today is
 * `sqlite-store.ts` (one GeoPackage file); a province that outgrows one machine gets a PostGIS
 * implementation of this same interface, which is why every method returns a Promise and no
 * SQLite type leaks through it.
 *
 * Every record that belongs to a licence (datasets, runs, results, cases) carries its
 * administrative division code (行政区划代码, GB/T 2260: 6 digits, or 9/12 for towns and
 * villages) so that access can later be limited to a county; the list methods filter by prefix
 * ("3301" = every county of that city).
 *
 * Every change made through the store writes one audit row (who, when, what, before, after) in
 * the same transaction as the change: an audited change and its audit row commit together or not
 * at all. Progress updates of a run are the one exception (they are not decisions).
 */
import type { CompensationResult, FinanceTable } from '../compensation/types.ts';
import type { BBox, MultiPolygon } from '../geo/types.ts';
import type { Feature, Layer } from '../io/layer.ts';
import type { LayerReport } from '../io/report.ts';
import type { ScreeningRow } from '../io/screening-out.ts';
import type { ZoneType } from '../screening/fields.ts';
import type { ScreeningResult, Status } from '../screening/types.ts';

/** JSON as stored and returned (compensation details, options, audit before/after). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Page<T> {
  /** rows matching the filters, before limit/offset */
  total: number;
  items: T[];
}

// ---------------------------------------------------------------- datasets

export type DatasetKind = 'licences' | 'zones' | 'reserves' | 'facilities';

/**
 * The CRS of a dataset, by EPSG code (the CLI and the API name CRSs by EPSG too). `confirmed`
 * is false while the EPSG is only the suggestion made from the coordinates of a file without a
 * .prj: such a dataset is not screened until a person confirms it.
 */
export interface DatasetCrs {
  /** null: unknown (no .prj and nothing to suggest) */
  epsg: number | null;
  confirmed: boolean;
  /** the file has northing in x (the survey convention): swapped back for the lon/lat layer */
  swapped: boolean;
}

export interface NewDataset {
  kind: DatasetKind;
  name: string;
  divisionCode: string;
  layer: Layer;
  crs: DatasetCrs;
  /** the validation report shown before the import was accepted */
  report: LayerReport;
}

/** What a Layer says about itself besides its features, kept to rebuild it for a screening. */
export type LayerMeta = Omit<Layer, 'features'>;

export interface DatasetSummary {
  id: number;
  kind: DatasetKind;
  name: string;
  divisionCode: string;
  crs: DatasetCrs;
  featureCount: number;
  /** CGCS2000 lon/lat extent (null while the CRS is unknown) */
  bboxLonLat: BBox | null;
  createdAt: string;
  createdBy: string;
}

export interface Dataset extends DatasetSummary {
  layer: LayerMeta;
  report: LayerReport;
}

/** A feature as imported: coordinates exactly as in the file, in the dataset's CRS (points too). */
export type StoredFeature = Feature;

export interface DatasetFilter {
  kind?: DatasetKind;
  /** prefix of the division code */
  division?: string;
}

// ---------------------------------------------------------------- runs and results

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface NewRun {
  licences: number;
  zones: number[];
  reserves: number | null;
  /** screening options as the request gave them (sliver size, datum shift, field mapping) */
  options: Json;
}

export interface Run {
  id: number;
  status: RunStatus;
  licences: number;
  zones: number[];
  reserves: number | null;
  divisionCode: string;
  options: Json;
  progress: { done: number; total: number };
  /** why it failed */
  message: string | null;
  /** counts per status and the run's warnings, once done */
  /** zoneTypes: what run.json's zone_types says (runs saved before it was kept: absent) */
  summary: { counts: Partial<Record<Status, number>>; warnings: string[]; zoneTypes?: ZoneType[] } | null;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunFilter {
  status?: RunStatus;
  division?: string;
}

/** What `recoverInterrupted` did at start-up (see the policy in sqlite-store.ts). */
export interface Recovery {
  /** running when their process died: marked failed */
  failed: number[];
  /** queued and never started by a process that died: still queued, now owned by this one */
  requeued: number[];
}

export interface ResultQuery {
  status?: Status[];
  minExitRatio?: number;
  maxExitRatio?: number;
  /** licences overlapping this zone */
  zoneId?: string;
  /** substring of the licence id or name */
  text?: string;
  /** default 100, at most 10 000 */
  limit?: number;
  offset?: number;
}

/** An exit range of a run, CGCS2000 lon/lat (EPSG:4490). */
export interface ExitRange {
  licenceId: string;
  name: string | null;
  status: Status;
  exitAreaEllipsoidal: number;
  exitRatio: number;
  geometry: MultiPolygon;
}

// ---------------------------------------------------------------- compensation and cases

export interface StoredFinanceRow {
  licenceId: string | null;
  row: number;
  cells: Readonly<Record<string, string | null>>;
}

/** One licence's compensation: the key columns, and the whole trace as JSON (amounts as text). */
export interface StoredCompensation {
  licenceId: string;
  exitKind: 'whole' | 'partial';
  eligible: boolean;
  gross: string | null;
  payable: string | null;
  detail: Json;
}

export interface CompensationRecord {
  /** profile, totals and warnings of the whole calculation */
  summary: Json;
  licences: StoredCompensation[];
}

export interface Decision {
  id: number;
  caseId: number;
  exitKind: 'whole' | 'partial';
  reviewed: boolean;
  note: string | null;
  decidedBy: string;
  decidedAt: string;
}

export interface Case {
  id: number;
  runId: number;
  licenceId: string;
  name: string | null;
  divisionCode: string;
  createdAt: string;
  createdBy: string;
  /** oldest first; the last one is in force */
  decisions: Decision[];
}

export interface CaseFilter {
  runId?: number;
  division?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  /** e.g. "dataset:3", "run:12", "case:4" */
  entity: string;
  before: Json;
  after: Json;
}

// ---------------------------------------------------------------- the interface

export interface Store {
  createDataset(input: NewDataset, by: string): Promise<Dataset>;
  /** confirms (or corrects) the CRS; the lon/lat layer is recomputed from the source geometry */
  confirmCrs(id: number, crs: { epsg: number; swapped?: boolean }, by: string): Promise<Dataset>;
  getDataset(id: number): Promise<Dataset | null>;
  listDatasets(filter?: DatasetFilter): Promise<DatasetSummary[]>;
  /** the features in file order, coordinates in the dataset's CRS exactly as imported */
  features(datasetId: number): Promise<StoredFeature[]>;

  createRun(input: NewRun, by: string): Promise<Run>;
  startRun(id: number): Promise<Run>;
  /** written at most every half second per run (each write is a commit) */
  runProgress(id: number, done: number, total: number): Promise<void>;
  /** stores the whole result and marks the run done, in one transaction */
  finishRun(id: number, result: ScreeningResult): Promise<Run>;
  failRun(id: number, message: string): Promise<Run>;
  getRun(id: number): Promise<Run | null>;
  listRuns(filter?: RunFilter): Promise<Run[]>;
  /** at start-up: runs whose process died (see Recovery) */
  recoverInterrupted(): Promise<Recovery>;

  /** screening.csv rows of a run, filtered and paged, in the order of the licence file */
  results(runId: number, query?: ResultQuery): Promise<Page<ScreeningRow>>;
  /** the stored result rebuilt (exitRangeJson and remainingRangeJson are null: caches of the writer) */
  result(runId: number): Promise<ScreeningResult | null>;
  exitRanges(runId: number): Promise<ExitRange[]>;

  /** replaces the run's finance table */
  saveFinance(runId: number, table: FinanceTable, by: string): Promise<void>;
  finance(runId: number, licenceId?: string): Promise<StoredFinanceRow[]>;
  /** the file name of the run's finance table (the compensation trace cites it), null when it has none */
  financeSource(runId: number): Promise<string | null>;
  /** replaces the run's compensation result */
  saveCompensation(runId: number, result: CompensationResult, by: string): Promise<void>;
  compensation(runId: number, licenceId?: string): Promise<CompensationRecord | null>;

  openCase(input: { runId: number; licenceId: string }, by: string): Promise<Case>;
  decide(caseId: number, decision: { exitKind: 'whole' | 'partial'; reviewed: boolean; note: string | null }, by: string): Promise<Decision>;
  getCase(id: number): Promise<Case | null>;
  listCases(filter?: CaseFilter): Promise<Case[]>;

  audit(query?: { entity?: string; limit?: number; offset?: number }): Promise<Page<AuditEntry>>;

  /** the service's settings (basemap, default division code, language), as saved; {} before any */
  settings(): Promise<Record<string, Json>>;
  /** replaces the settings given (other keys stay), audited */
  saveSettings(values: Record<string, Json>, by: string): Promise<Record<string, Json>>;
  close(): Promise<void>;
}

/**
 * What the store refuses, for the HTTP layer to map: not_found → 404, conflict → 409 (e.g. a run
 * that is not running, a CRS not yet confirmed), invalid → 422. Every implementation throws these.
 */
export class StoreError extends Error {
  constructor(readonly code: 'not_found' | 'conflict' | 'invalid', message: string) {
    super(message);
    this.name = 'StoreError';
  }
}
