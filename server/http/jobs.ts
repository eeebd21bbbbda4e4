/**
 * Screening runs as jobs. A run is a row in the store (queued → running → done | failed), so it
 * survives a reload of the page and a restart of the service; this process screens one run at a
 * time (a screening already uses every core through its overlay workers), writes progress to the
 * store and pushes it to whoever listens (the SSE endpoint).
 *
 * A run reads its datasets' features from the store in their own CRS, exactly as imported, and
 * builds the layers the way `redline screen` builds them from the files, so the service's
 * results are the CLI's to the last digit.
 */
import { crsFromEpsg } from '../geo/crs.ts';
import { parseDatumShift } from '../geo/projection.ts';
import { InputError } from '../errors.ts';
import { parseFieldOverrides } from '../screening/fields.ts';
import { checkDatumShift, toLayerInput } from '../io/layer-input.ts';
import { OverlayPool } from '../screening/pool.ts';
import { defaultWorkers, screen } from '../screening/screen.ts';
import type { LayerInput } from '../screening/types.ts';
import type { Dataset, DatasetKind, Json, Recovery, Run, Store } from '../store/store.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { datasetId, runId } from './ids.ts';
import { datasetStatus } from './import.ts';
import type { RunCache } from './run-cache.ts';

export interface RunRequest {
  licences: number;
  zones: number[];
  reserves?: number | null;
  /** exit areas below this many m² are slivers (default 1, as --sliver-m2) */
  sliverM2?: number;
  /** "dx,dy,dz[,rx,ry,rz,ppm]", as --datum-shift */
  datumShift?: string | null;
  /** key → FIELD, as --map key=FIELD */
  fieldMap?: Record<string, string>;
}

/** The options as the run keeps them in the store. */
interface StoredOptions {
  sliver_m2: number;
  datum_shift: string | null;
  map: Record<string, string>;
}

export type RunEvent = { type: 'progress'; done: number; total: number } | { type: 'done' | 'failed'; run: Run };
export type RunListener = (event: RunEvent) => void;

function readOptions(options: Json): StoredOptions {
  const o = (typeof options === 'object' && options !== null && !Array.isArray(options) ? options : {}) as Partial<StoredOptions>;
  return { sliver_m2: o.sliver_m2 ?? 1, datum_shift: o.datum_shift ?? null, map: o.map ?? {} };
}

export class RunJobs {
  private readonly queue: number[] = [];
  private readonly listeners = new Map<number, Set<RunListener>>();
  private pumping = false;
  private closed = false;
  private current: { id: number; pool: OverlayPool | null } | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly runs: RunCache,
    /** overlay processes per run (default: one per core; 0 = in this process) */
    private readonly workers?: number,
  ) {}

  /** At start-up: runs whose process died are failed or taken over (the store's policy), and the taken-over ones start. */
  async start(): Promise<Recovery> {
    const recovery = await this.store.recoverInterrupted();
    this.queue.push(...recovery.requeued);
    this.pump();
    return recovery;
  }

  /** Checks the request like the CLI checks its arguments, stores the run as queued and queues it. */
  async submit(request: RunRequest, by: string): Promise<Run> {
    if (this.closed) throw conflict('the service is stopping: start the run again when it is back');
    const datasets: Dataset[] = [];
    const use = async (id: number, kind: DatasetKind, role: string): Promise<void> => {
      const ds = await this.store.getDataset(id);
      if (!ds) throw notFound(`${role}: no dataset ${datasetId(id)}`);
      if (ds.kind !== kind) throw badRequest(`${role}: dataset ${datasetId(id)} (${ds.name}) holds ${ds.kind}, not ${kind}`);
      if (datasetStatus(ds) !== 'ready') {
        const what = ds.crs.epsg === null ? 'has no CRS' : `has a suggested CRS (EPSG:${ds.crs.epsg}) that nobody confirmed`;
        throw conflict(`${role}: dataset ${datasetId(id)} (${ds.name}) ${what}; confirm it first (POST /api/datasets/${datasetId(id)}/confirm)`, 'crs_unconfirmed');
      }
      datasets.push(ds);
    };
    if (request.zones.length === 0) throw badRequest('zones: give at least one zone dataset');
    await use(request.licences, 'licences', 'licences');
    for (const z of request.zones) await use(z, 'zones', 'zones');
    if (request.reserves != null) await use(request.reserves, 'reserves', 'reserves');
    const sliverM2 = request.sliverM2 ?? 1;
    if (!(Number.isFinite(sliverM2) && sliverM2 >= 0)) throw badRequest(`sliver_m2 must be a number of m² ≥ 0, got ${String(request.sliverM2)}`);
    const map = request.fieldMap ?? {};
    try {
      parseFieldOverrides(Object.entries(map).map(([k, v]) => `${k}=${v}`));
      const shift = request.datumShift ? parseDatumShift(request.datumShift) : undefined;
      checkDatumShift(datasets.map((d) => crsFromEpsg(d.crs.epsg as number)), shift);
    } catch (err) {
      throw badRequest((err as Error).message.replace(/--(datum-shift|map)/g, (_m, f: string) => (f === 'map' ? 'field_map' : 'datum_shift')));
    }
    const options: StoredOptions = { sliver_m2: sliverM2, datum_shift: request.datumShift ?? null, map };
    const run = await this.store.createRun({
      licences: request.licences, zones: request.zones, reserves: request.reserves ?? null, options: { ...options },
    }, by);
    this.queue.push(run.id);
    this.pump();
    return run;
  }

  /** Events of one run until it is done or failed; returns the unsubscribe function. */
  subscribe(id: number, listener: RunListener): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /** Resolves with the run once it is done or failed (for callers without HTTP, e.g. the first start). */
  async waitFor(id: number): Promise<Run> {
    return new Promise<Run>((resolve, reject) => {
      const off = this.subscribe(id, (e) => {
        if (e.type !== 'progress') {
          off();
          resolve(e.run);
        }
      });
      this.store.getRun(id).then((run) => {
        if (!run) {
          off();
          reject(new Error(`no run ${id}`));
        } else if (run.status === 'done' || run.status === 'failed') {
          off();
          resolve(run);
        }
      }, reject);
    });
  }

  /** Resolves when no run is queued or running in this process. */
  idle(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops: queued runs stay queued in the store (the next start takes them over); the running
   * one is failed now, as recovery would fail it at the next start, and its workers end.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    const c = this.current;
    if (!c) return;
    c.pool?.kill();
    try {
      const run = await this.store.failRun(c.id, 'interrupted: the service stopped while screening it; nothing of it was saved, run it again');
      this.emit(c.id, { type: 'failed', run });
    } catch {
      // already finished or failed
    }
  }

  private emit(id: number, event: RunEvent): void {
    for (const l of [...(this.listeners.get(id) ?? [])]) l(event);
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    void (async () => {
      try {
        while (this.queue.length > 0 && !this.closed) await this.execute(this.queue.shift() as number);
      } finally {
        this.pumping = false;
        for (const w of this.idleWaiters.splice(0)) w();
      }
    })();
  }

  /** A stored dataset as the screening's LayerInput, built as the CLI builds it from the file. */
  private async input(id: number): Promise<LayerInput> {
    const ds = await this.store.getDataset(id);
    if (!ds) throw new InputError(datasetId(id), 'the dataset is gone');
    if (ds.crs.epsg === null) throw new InputError(ds.name, 'has no CRS');
    const features = await this.store.features(id);
    const { source, name, fields, zoneType } = ds.layer;
    return toLayerInput({ source, name, fields, features, zoneType }, crsFromEpsg(ds.crs.epsg), ds.crs.swapped);
  }

  private async execute(id: number): Promise<void> {
    let pool: OverlayPool | null = null;
    try {
      // current before the first await: a close() meanwhile must find (and fail) this run
      this.current = { id, pool: null };
      const run = await this.store.startRun(id);
      if (this.closed) return;
      this.emit(id, { type: 'progress', done: run.progress.done, total: run.progress.total });
      const options = readOptions(run.options);
      const licences = await this.input(run.licences);
      // started before the zones are read, as in the CLI: the workers load GDAL meanwhile
      pool = new OverlayPool(defaultWorkers(licences.features.length, this.workers));
      this.current.pool = pool;
      const zones: LayerInput[] = [];
      for (const z of run.zones) zones.push(await this.input(z));
      const reserves = run.reserves === null ? undefined : await this.input(run.reserves);
      const result = await screen({
        licences, zones, reserves, pool,
        // the review shows what remains of each licence
        remainingRanges: true,
        sliverM2: options.sliver_m2,
        fieldOverrides: parseFieldOverrides(Object.entries(options.map).map(([k, v]) => `${k}=${v}`)),
        datumShift: options.datum_shift ? parseDatumShift(options.datum_shift) : undefined,
        onProgress: (done, total) => {
          this.store.runProgress(id, done, total).catch(() => undefined);
          this.emit(id, { type: 'progress', done, total });
        },
      });
      if (this.closed) return;
      const done = await this.store.finishRun(id, result);
      this.runs.remember(id, result.zoneTypes);
      this.emit(id, { type: 'done', run: done });
    } catch (err) {
      pool?.kill();
      if (this.closed) return;
      const bad = err instanceof InputError;
      if (!bad) process.stderr.write(`redline serve: ${runId(id)}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      const message = bad ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
      try {
        this.emit(id, { type: 'failed', run: await this.store.failRun(id, message) });
      } catch {
        // not queued or running any more (another process took it): nothing to record
      }
    } finally {
      this.current = null;
    }
  }
}
