import { planeKey } from '../geo/bbox.ts';
import { overlayLicence, type OverlayResult, type OverlayTask } from '../geo/overlay.ts';
import { toLonLat, type Transform } from '../geo/projection.ts';
import type { MultiPolygon } from '../geo/types.ts';

/**
 * What a worker sends back for one licence: the overlay, with the exit and remaining ranges in
 * lon/lat (EPSG:4490) instead of plane coordinates, which nobody downstream needs.
 */
export interface TaskResult extends Omit<OverlayResult, 'exitRange' | 'remainingRange'> {
  exitRangeLonLat: MultiPolygon;
  /** null: the licence keeps its whole range */
  remainingRangeLonLat: MultiPolygon | null;
}

// One inverse projection per plane: setting up the Krüger series is not free.
const toLonLatOf = new Map<string, Transform>();

/** Runs one licence's overlay; the same code in-process and in a worker process. */
export function runTask(task: OverlayTask, remainingRanges = true): TaskResult {
  const { exitRange, remainingRange, ...result } = overlayLicence(task);
  const key = planeKey(task.plane);
  let t = toLonLatOf.get(key);
  if (!t) {
    t = toLonLat(task.plane);
    toLonLatOf.set(key, t);
  }
  const project = (mp: MultiPolygon): MultiPolygon => mp.map((polygon) => polygon.map((ring) => t(ring)));
  return { ...result, exitRangeLonLat: project(exitRange), remainingRangeLonLat: remainingRanges && remainingRange ? project(remainingRange) : null };
}
