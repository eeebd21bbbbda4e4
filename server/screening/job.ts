import { multiPolygonBBox } from '../geo/bbox.ts';
import { clipBox } from '../geo/clip.ts';
import type { DatumShift, GaussKruger } from '../geo/crs-types.ts';
import type { MultiPolygon } from '../geo/types.ts';
import { PlaneZones } from './plane-zones.ts';
import { runTask, type TaskResult } from './task.ts';
import type { ZoneGeometry } from './zones.ts';

/**
 * A share of the screening that one worker does alone: licences of one plane that lie near each
 * other, and the zone features near them, in the zones' own CRS. The worker projects and cuts
 * the zones itself, so preparation runs in parallel like the overlay; the main process only
 * reads the files and writes the results.
 */
export interface OverlayJob {
  plane: GaussKruger;
  zones: ZoneGeometry[];
  licences: { id: number; geometry: MultiPolygon; blocks: { block: number; geometry: MultiPolygon }[] }[];
  datumShift?: DatumShift;
  sliverM2: number;
  /** send back the remaining ranges' geometry */
  remainingRanges: boolean;
}

/** A licence whose overlay failed, with GEOS's reason. */
export class LicenceFailure extends Error {
  constructor(readonly licence: number, reason: string) {
    super(reason);
  }
}

/** Results per message: small enough for a live progress bar. */
const BATCH = 32;

export async function runJob(job: OverlayJob, emit: (results: TaskResult[]) => void): Promise<void> {
  const started = performance.now();
  const zones = new PlaneZones(job.plane, job.zones, job.datumShift);
  const prepared = performance.now();
  let batch: TaskResult[] = [];
  for (const l of job.licences) {
    try {
      const near = zones.near(clipBox(multiPolygonBBox(l.geometry)));
      batch.push(runTask({ id: l.id, plane: job.plane, licence: l.geometry, zones: near, blocks: l.blocks, sliverM2: job.sliverM2 }, job.remainingRanges));
    } catch (err) {
      // the main process knows the licence by its index; it turns this into its id and file
      throw new LicenceFailure(l.id, (err as Error).message);
    }
    if (batch.length === BATCH) {
      emit(batch);
      batch = [];
      // let the message go out (and, in-process, the progress bar draw)
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (batch.length > 0) emit(batch);
  if (process.env.REDLINE_PROFILE) {
    const vertices = job.zones.reduce((n, z) => n + z.geometry.flat().reduce((m, r) => m + r.length / 2, 0), 0);
    process.stderr.write(
      `  job of ${job.licences.length} licences, ${job.zones.length} zones (${vertices} vertices): ` +
      `zones projected in ${(prepared - started).toFixed(0)} ms, overlay ${(performance.now() - prepared).toFixed(0)} ms\n`,
    );
  }
}
