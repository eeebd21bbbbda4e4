/**
 * What every route module shares: the store, the run jobs, the caches, and the small lookups
 * that turn a public id into a record or a 404.
 */
import type { Request } from 'express';
import type { ScreeningResult } from '../screening/types.ts';
import type { Dataset, Run, Store } from '../store/store.ts';
import { conflict, notFound } from './errors.ts';
import { parseDatasetId, parseRunId, runId } from './ids.ts';
import type { RunJobs } from './jobs.ts';
import type { RunCache } from './run-cache.ts';
import type { TileCache } from './tiles.ts';

export interface Context {
  store: Store;
  jobs: RunJobs;
  runs: RunCache;
  tiles: TileCache;
  /** where uploads wait while they are imported (under the store's folder) */
  uploadDir: string;
  maxUploadBytes: number;
  /** GeoJSON of county outlines for the offline basemap, or null */
  outlines: string | null;
}

/**
 * Who makes the change, for the audit log: the X-Redline-User header (set by the web app or by a
 * proxy that authenticated the user), percent-encoded so Chinese names survive HTTP headers.
 */
export function actor(req: Request, fallback?: string | null): string {
  const raw = req.get('X-Redline-User');
  let name = '';
  if (raw !== undefined) {
    try {
      name = decodeURIComponent(raw);
    } catch {
      name = raw;
    }
  }
  name = name.trim().slice(0, 200);
  if (name === '' && fallback) name = fallback.trim().slice(0, 200);
  return name === '' ? 'anonymous' : name;
}

export async function datasetOr404(ctx: Context, raw: string): Promise<Dataset> {
  const ds = await ctx.store.getDataset(parseDatasetId(raw));
  if (!ds) throw notFound(`no dataset ${raw}`);
  return ds;
}

export async function runOr404(ctx: Context, raw: string): Promise<Run> {
  const run = await ctx.store.getRun(parseRunId(raw));
  if (!run) throw notFound(`no run ${raw}`);
  return run;
}

/** The result of a done run, else 409: a queued, running or failed run has none. */
export async function doneResult(ctx: Context, run: Run): Promise<ScreeningResult> {
  const result = await ctx.runs.result(run);
  if (!result) {
    throw conflict(run.status === 'failed'
      ? `${runId(run.id)} failed: ${run.message ?? 'no result'}`
      : `${runId(run.id)} is ${run.status}: its results are not ready yet`);
  }
  return result;
}

/** A route parameter as one string (express 5 types them loosely). */
export function param(req: Request, name: string): string {
  const v: unknown = req.params[name];
  return typeof v === 'string' ? v : '';
}
