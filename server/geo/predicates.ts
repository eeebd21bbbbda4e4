/**
 * The orientation predicate, exact. Validation decides "does this vertex lie ON that edge?" and
 * "are these two edges collinear?": with plain doubles the answer flips with rounding on 8-digit
 * eastings, so a spike or a touching vertex would be reported or missed at random. As in
 * Shewchuk's orient2d, a floating-point evaluation with a proven error bound settles almost every
 * call; only the near-zero remainder is recomputed exactly, here with BigInt (every double is an
 * integer times a power of two, so the determinant is an exact integer computation).
 */

/** Shewchuk's ccwerrboundA: (3 + 16ε)ε with ε = 2⁻⁵³. */
const ERR_BOUND_A = (3 + 16 * 2 ** -53) * 2 ** -53;

/**
 * Positive when a, b, c turn counter-clockwise (c left of a→b, y up), negative when clockwise,
 * zero exactly when the three points are collinear. Only the sign is meaningful.
 */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const detLeft = (ax - cx) * (by - cy);
  const detRight = (ay - cy) * (bx - cx);
  const det = detLeft - detRight;
  let detSum: number;
  // Rounded differences keep their signs, so products of opposite signs decide at once.
  if (detLeft > 0) {
    if (detRight <= 0) return det;
    detSum = detLeft + detRight;
  } else if (detLeft < 0) {
    if (detRight >= 0) return det;
    detSum = -detLeft - detRight;
  } else {
    return det;
  }
  const bound = ERR_BOUND_A * detSum;
  if (det >= bound || -det >= bound) return det;
  return orientExact(ax, ay, bx, by, cx, cy);
}

const view = new DataView(new ArrayBuffer(8));

/** A finite double as mantissa × 2^exponent, both integers. */
function split(x: number): { m: bigint; e: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074; // subnormal
  if (biased !== 0) {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { m: hi >>> 31 ? -m : m, e };
}

function orientExact(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const parts = [ax, ay, bx, by, cx, cy].map(split);
  let e0 = Infinity;
  for (const p of parts) if (p.m !== 0n) e0 = Math.min(e0, p.e);
  if (e0 === Infinity) return 0; // all zero
  const [AX, AY, BX, BY, CX, CY] = parts.map((p) => (p.m === 0n ? 0n : p.m << BigInt(p.e - e0)));
  const d = (AX - CX) * (BY - CY) - (AY - CY) * (BX - CX);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** How two segments meet; see segmentContact. */
export const NONE = 0, CROSS = 1, TOUCH = 2, OVERLAP = 3;

/** Where the last contact found by segmentContact is (scratch: no allocation per pair). */
export const hit = { x: 0, y: 0 };

function within(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  return px >= Math.min(ax, bx) && px <= Math.max(ax, bx) && py >= Math.min(ay, by) && py <= Math.max(ay, by);
}

/**
 * How segments p1p2 and p3p4 (non-degenerate) meet: NONE; CROSS, their interiors cross at one
 * point; TOUCH, one point that is an end of one of them; OVERLAP, collinear and sharing a length.
 * The point (for OVERLAP: where the shared part starts) is left in `hit`; a TOUCH point is always
 * one of the four ends, exactly.
 */
export function segmentContact(
  x1: number, y1: number, x2: number, y2: number, x3: number, y3: number, x4: number, y4: number,
): number {
  const d1 = orient(x3, y3, x4, y4, x1, y1), d2 = orient(x3, y3, x4, y4, x2, y2);
  if ((d1 > 0 && d2 > 0) || (d1 < 0 && d2 < 0)) return NONE;
  const d3 = orient(x1, y1, x2, y2, x3, y3), d4 = orient(x1, y1, x2, y2, x4, y4);
  if ((d3 > 0 && d4 > 0) || (d3 < 0 && d4 < 0)) return NONE;
  if (d1 !== 0 && d2 !== 0 && d3 !== 0 && d4 !== 0) {
    // Relative to p1: on 8-digit eastings absolute products would lose the decimals.
    const dx1 = x2 - x1, dy1 = y2 - y1, dx2 = x4 - x3, dy2 = y4 - y3;
    const t = ((x3 - x1) * dy2 - (y3 - y1) * dx2) / (dx1 * dy2 - dy1 * dx2);
    hit.x = x1 + t * dx1;
    hit.y = y1 + t * dy1;
    return CROSS;
  }
  if (d1 === 0 && d2 === 0) {
    // Collinear: compare the spans along the longer axis.
    const useX = Math.abs(x2 - x1) >= Math.abs(y2 - y1);
    const s = useX ? [x1, x2, x3, x4] : [y1, y2, y3, y4];
    const lo = Math.max(Math.min(s[0], s[1]), Math.min(s[2], s[3]));
    const hi = Math.min(Math.max(s[0], s[1]), Math.max(s[2], s[3]));
    if (lo > hi) return NONE;
    const at = s.indexOf(lo);
    hit.x = [x1, x2, x3, x4][at];
    hit.y = [y1, y2, y3, y4][at];
    return lo === hi ? TOUCH : OVERLAP;
  }
  // One end lies on the other segment's line; its box tells whether on the segment.
  if (d1 === 0 && within(x1, y1, x3, y3, x4, y4)) [hit.x, hit.y] = [x1, y1];
  else if (d2 === 0 && within(x2, y2, x3, y3, x4, y4)) [hit.x, hit.y] = [x2, y2];
  else if (d3 === 0 && within(x3, y3, x1, y1, x2, y2)) [hit.x, hit.y] = [x3, y3];
  else if (d4 === 0 && within(x4, y4, x1, y1, x2, y2)) [hit.x, hit.y] = [x4, y4];
  else return NONE;
  return TOUCH;
}

/**
 * Where (x, y) lies around point P relative to the two rays P→F and P→T: 1 inside the sector swept
 * counter-clockwise from P→F to P→T, -1 inside the other one, 0 on one of the rays (or when the
 * rays coincide and there are no sides).
 */
export function sectorSide(px: number, py: number, fx: number, fy: number, tx: number, ty: number, x: number, y: number): number {
  const of = orient(px, py, fx, fy, x, y);
  const ot = orient(px, py, tx, ty, x, y);
  if (of === 0 && (fx - px) * (x - px) + (fy - py) * (y - py) > 0) return 0;
  if (ot === 0 && (tx - px) * (x - px) + (ty - py) * (y - py) > 0) return 0;
  const turn = orient(px, py, fx, fy, tx, ty);
  if (turn > 0) return of > 0 && ot < 0 ? 1 : -1;
  if (turn < 0) return of > 0 || ot < 0 ? 1 : -1;
  if ((fx - px) * (tx - px) + (fy - py) * (ty - py) > 0) return 0; // the rays coincide
  return of > 0 ? 1 : -1; // a straight line: the half-plane on its left
}

/**
 * Point in ring by a ray towards +x over the given edges (as start indexes into `r`): 1 inside,
 * -1 outside, 0 on the boundary. Exact: "on the boundary" is decided by orient.
 */
export function crossingParity(r: Float64Array, edgeStarts: Iterable<number>, x: number, y: number): number {
  let inside = false;
  for (const i of edgeStarts) {
    const x1 = r[i], y1 = r[i + 1], x2 = r[i + 2], y2 = r[i + 3];
    if ((y1 > y) !== (y2 > y)) {
      const o = orient(x1, y1, x2, y2, x, y);
      if (o === 0) return 0;
      // the edge crosses the ray when the point lies left of an upward edge or right of a downward one
      if ((o > 0) === (y2 > y1)) inside = !inside;
    } else if ((y === y1 && y === y2 && x >= Math.min(x1, x2) && x <= Math.max(x1, x2)) || (x === x1 && y === y1)) {
      return 0;
    }
  }
  return inside ? 1 : -1;
}
