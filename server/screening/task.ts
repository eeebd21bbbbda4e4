import { overlayLicence, type OverlayResult, type OverlayTask } from '../geo/overlay.ts';
import { toLonLat } from '../geo/projection.ts';
import type { MultiPolygon } from '../geo/types.ts';

/** What a worker sends back for one licence: the overlay plus its exit range in lon/lat. */
export interface TaskResult extends OverlayResult {
  exitRangeLonLat: MultiPolygon;
}

/** Runs one licence's overlay; the same code in-process and in a worker process. */
export function runTask(task: OverlayTask): TaskResult {
  const result = overlayLicence(task);
  const t = toLonLat(task.plane);
  const exitRangeLonLat = result.exitRange.map((polygon) => polygon.map((ring) => t(ring)));
  return { ...result, exitRangeLonLat };
}
