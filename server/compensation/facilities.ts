import { InputError } from '../errors.ts';
import type { MultiPolygon, Polygon, Ring } from '../geo/types.ts';
import { parseDecimal, plain, type Decimal } from './money.ts';
import type { FacilitySelection } from './profile.ts';
import type { ExitKind, Facility, FacilityLayer, FacilityTrace, ScreenedLicence } from './types.ts';

/**
 * Which facilities of the facility layer count for a licence: those in its exit range ("inside" =
 * intersects the exit range: a point inside it, a polygon overlapping it), carrying its licence id
 * or none, and not relocated for reuse. For a whole exit the exit range is the whole licence,
 * which the screening folder does not hold (overlaps.geojson has licence ∩ zones): every facility
 * carrying the licence's id counts then.
 */

const YES: Readonly<Record<string, boolean>> = { yes: true, no: false, y: true, n: false, 是: true, 否: false, true: true, false: false, '1': true, '0': false };

function where(f: Facility): { index: number; id?: string } {
  return f.id ? { index: f.index, id: f.id } : { index: f.index };
}

export function facilityRelocated(layer: FacilityLayer, f: Facility): boolean {
  const v = f.relocated?.trim() ?? '';
  const b = YES[v.toLowerCase()];
  if (b === undefined) {
    throw new InputError(layer.source, v === '' ? 'relocated is empty: say yes or no' : `relocated is "${v}"; expected yes or no`, where(f));
  }
  return b;
}

export function facilityNetValue(layer: FacilityLayer, f: Facility): Decimal {
  const v = f.netValue?.trim() ?? '';
  const d = v === '' ? null : parseDecimal(v);
  if (d === null || d.lt(0)) {
    throw new InputError(layer.source, v === '' ? 'net_value_yuan is empty' : `net_value_yuan is "${v}"; expected an amount in yuan ≥ 0`, where(f));
  }
  return d;
}

export function selectFacilities(layer: FacilityLayer, licenceId: string, licence: ScreenedLicence | null, exitKind: ExitKind): FacilitySelection {
  const range = licence?.exitRange ?? null;
  const traces: FacilityTrace[] = [];
  const counted: FacilitySelection['counted'] = [];
  for (const f of layer.features) {
    const own = f.licenceId === licenceId;
    if (f.licenceId !== null && !own && range === null) continue;
    const inRange = range !== null && f.geometry !== null && intersects(f.geometry, range);
    if (!own && !inRange) continue;
    const base = { index: f.index, id: f.id, licenceId: f.licenceId, netValue: f.netValue };
    if (!own && f.licenceId !== null) {
      traces.push({ ...base, relocated: null, counted: false, why: `in the exit range but belongs to licence ${f.licenceId}: not counted here` });
      continue;
    }
    const relocated = facilityRelocated(layer, f);
    const value = facilityNetValue(layer, f);
    let why: string;
    let count = false;
    if (relocated) why = 'relocated for reuse: excluded (需搬迁再利用的除外)';
    else if (inRange) [why, count] = [f.geometry?.kind === 'point' ? 'inside the exit range' : 'overlaps the exit range', true];
    else if (exitKind === 'whole') [why, count] = ['whole exit: the exit range is the whole licence', true];
    else if (f.geometry === null) why = 'no geometry: cannot be placed in the exit range';
    else why = range === null ? 'the exit range is not available (no overlaps.geojson): not counted' : 'outside the exit range: not counted';
    traces.push({ ...base, relocated, counted: count, why });
    if (count) {
      counted.push({
        value,
        input: { name: `facility #${f.index}${f.id ? ` (${f.id})` : ''}`, value: plain(value), unit: 'yuan', source: `${layer.source}, feature #${f.index}, net_value_yuan` },
      });
    }
  }
  return { traces, counted };
}

// ---------------------------------------------------------------- the spatial predicate

function bboxOf(ring: Ring): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < ring.length; i += 2) {
    x0 = Math.min(x0, ring[i]);
    x1 = Math.max(x1, ring[i]);
    y0 = Math.min(y0, ring[i + 1]);
    y1 = Math.max(y1, ring[i + 1]);
  }
  return [x0, y0, x1, y1];
}

/** Even-odd over all rings of a polygon: inside the exterior and outside every hole. */
function pointInPolygon(p: Polygon, x: number, y: number): boolean {
  let inside = false;
  for (const r of p) {
    for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
      const [xi, yi, xj, yj] = [r[i], r[i + 1], r[j], r[j + 1]];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number =>
  Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));

const within = (a: number, b: number, c: number): boolean => Math.min(a, b) <= c && c <= Math.max(a, b);

/** Closed segments ab and cd share a point (touching counts: "intersects"). */
function segmentsMeet(r: Ring, i: number, s: Ring, j: number): boolean {
  const [ax, ay, bx, by] = [r[i], r[i + 1], r[i + 2], r[i + 3]];
  const [cx, cy, dx, dy] = [s[j], s[j + 1], s[j + 2], s[j + 3]];
  const d1 = orient(cx, cy, dx, dy, ax, ay);
  const d2 = orient(cx, cy, dx, dy, bx, by);
  const d3 = orient(ax, ay, bx, by, cx, cy);
  const d4 = orient(ax, ay, bx, by, dx, dy);
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  const on = (px: number, py: number, qx: number, qy: number, tx: number, ty: number): boolean => within(px, qx, tx) && within(py, qy, ty);
  return (d1 === 0 && on(cx, cy, dx, dy, ax, ay)) || (d2 === 0 && on(cx, cy, dx, dy, bx, by)) ||
    (d3 === 0 && on(ax, ay, bx, by, cx, cy)) || (d4 === 0 && on(ax, ay, bx, by, dx, dy));
}

function ringsMeet(r: Ring, s: Ring): boolean {
  const [a0, a1, a2, a3] = bboxOf(r);
  const [b0, b1, b2, b3] = bboxOf(s);
  if (a2 < b0 || b2 < a0 || a3 < b1 || b3 < a1) return false;
  for (let i = 0; i + 3 < r.length; i += 2) {
    for (let j = 0; j + 3 < s.length; j += 2) if (segmentsMeet(r, i, s, j)) return true;
  }
  return false;
}

function polygonsIntersect(a: Polygon, b: Polygon): boolean {
  if (a.some((r) => b.some((s) => ringsMeet(r, s)))) return true;
  // no boundary crossing: one lies inside the other, or they are apart
  return pointInPolygon(b, a[0][0], a[0][1]) || pointInPolygon(a, b[0][0], b[0][1]);
}

/** Whether a facility's geometry intersects an exit range (both in the same CRS). */
export function intersects(g: NonNullable<Facility['geometry']>, range: MultiPolygon): boolean {
  if (g.kind === 'point') {
    for (let i = 0; i < g.points.length; i += 2) {
      if (range.some((p) => pointInPolygon(p, g.points[i], g.points[i + 1]))) return true;
    }
    return false;
  }
  return g.polygons.some((a) => range.some((b) => polygonsIntersect(a, b)));
}
