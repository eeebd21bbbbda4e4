import { overlayLicence, type OverlayResult, type OverlayTask } from '../geo/overlay.ts';
import { toLonLat } from '../geo/projection.ts';
import type { MultiPolygon } from '../geo/types.ts';

/**
 * What a worker sends back for one licence: the overlay, with the exit range in lon/lat
 * (EPSG:4490) instead of plane coordinates, which nobody downstream needs.
 */
export interface TaskResult extends Omit<OverlayResult, 'exitRange'> {
  exitRangeLonLat: MultiPolygon;
}

/** Runs one licence's overlay; the same code in-process and in a worker process. */
export function runTask(task: OverlayTask): TaskResult {
  const { exitRange, ...result } = overlayLicence(task);
  const t = toLonLat(task.plane);
  const exitRangeLonLat = exitRange.map((polygon) => polygon.map((ring) => t(ring)));
  return { ...result, exitRangeLonLat };
}
