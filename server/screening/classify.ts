import { AREA_NOISE_M2 } from '../geo/overlay.ts';
import type { Status } from './types.ts';

/**
 * The overlap class of a licence. Plane areas decide, because the sliver size is a geometric
 * tolerance for boundary mismatch (digitising, snapping), not a legal area.
 * - none: no contact; touch: contact with zero area;
 * - sliver: 0 < exit area < tolerance — a boundary mismatch, not an exit;
 * - whole: what remains outside the zones is below the tolerance; partial: everything else.
 */
export function classify(
  r: { contact: boolean; exitAreaPlane: number; remainingAreaPlane: number },
  sliverM2: number,
): Status {
  if (r.exitAreaPlane <= 0) return r.contact ? 'touch' : 'none';
  if (r.exitAreaPlane < sliverM2) return 'sliver';
  // with --sliver-m2 0, what remains of a covered licence is rounding noise, not a part
  if (r.remainingAreaPlane < Math.max(sliverM2, AREA_NOISE_M2)) return 'whole';
  return 'partial';
}

/** Whether a reserve block lies within the licence's mining elevations, when both are known. */
export function elevationCheck(
  licence: { top: number | null; bottom: number | null },
  block: { top: number | null; bottom: number | null },
): { excluded: boolean; note: string | null } {
  const { top: lt, bottom: lb } = licence;
  const { top: bt, bottom: bb } = block;
  if (lt === null || lb === null || bt === null || bb === null) return { excluded: false, note: null };
  const [lLo, lHi] = lb <= lt ? [lb, lt] : [lt, lb];
  const [bLo, bHi] = bb <= bt ? [bb, bt] : [bt, bb];
  const range = `block ${bHi}–${bLo} m, licence ${lHi}–${lLo} m`;
  if (bHi <= lLo || bLo >= lHi) {
    return { excluded: true, note: `excluded: block elevations lie outside the licence's mining elevations (${range})` };
  }
  if (bHi > lHi || bLo < lLo) {
    return { excluded: false, note: `block extends beyond the licence's mining elevations (${range}); counted whole` };
  }
  return { excluded: false, note: null };
}
