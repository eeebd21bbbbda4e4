/**
 * What the corner-point formats (keyed, string, line) and the corner-point tables share: numbered
 * points in file order, checked, cleaned and assembled into the MultiPolygon of one licence, and
 * the licence's elevation attributes. The writers' side (rings back to numbered points,
 * elevations back per block) is here too, so that both directions agree by construction.
 */
import type { AttributeValue, Attributes, MultiPolygon, Polygon, Ring } from '../../geo/types.ts';
import { cleanRing, organizeRings, orientPolygon, signedArea2 } from '../rings.ts';
import type { Fail, WritableFeature } from './decode.ts';
import { formatValue, parseNumber } from './decode.ts';

/** A point as the file has it: x is the NORTHING, y the EASTING (Chinese survey convention). */
export interface CornerPoint {
  no: number;
  x: number;
  y: number;
  /** where it is, for messages: "line 5" or "line 1, value 14" */
  at: string;
}

export interface RawRing {
  points: CornerPoint[];
  /** how messages name the ring, e.g. "ring 2 (block 1, from line 7)" */
  label: string;
}

export interface Elevation {
  top: number | null;
  bottom: number | null;
}

/** The attributes every corner-point reader produces, in this order. */
export const CORNER_FIELDS = ['licence_id', 'elev_top', 'elev_bottom', 'blocks', 'block_elevations'] as const;

/**
 * Checks the point numbering and turns the rings into clean closed rings, easting first.
 * Numbering: consecutive within a ring; a ring starts at 1 or continues from the previous ring's
 * last number (registration files do both). A last point with the first point's number and
 * coordinates is the ring's closing point, not a new one. Rings that merely lack the closing
 * point are normal in these formats and are closed silently; removed repeated vertices are
 * recorded in `repairs`.
 */
export function cleanRings(rings: RawRing[], fail: Fail, repairs: string[]): Ring[] {
  let prevLast = 0;
  return rings.map((raw) => {
    let pts = raw.points;
    const first = pts[0];
    const last = pts[pts.length - 1];
    if (pts.length > 1 && last.no === first.no) {
      if (last.x !== first.x || last.y !== first.y) {
        fail(`${last.at}: point ${last.no} repeats the number of the first point of ${raw.label} but not its coordinates`);
      }
      pts = pts.slice(0, -1);
    }
    if (first.no !== 1 && (prevLast === 0 || first.no !== prevLast + 1)) {
      const expected = prevLast === 0 ? '1' : `1 or ${prevLast + 1}`;
      fail(`${first.at}: ${raw.label} starts with point ${first.no}; expected point ${expected}`);
    }
    for (let i = 1; i < pts.length; i++) {
      if (pts[i].no !== pts[i - 1].no + 1) {
        fail(`${pts[i].at}: point ${pts[i].no} follows point ${pts[i - 1].no}; point numbers must be consecutive`);
      }
    }
    prevLast = pts[pts.length - 1].no;
    return ringOf(pts, raw.label, fail, repairs);
  });
}

/** Points to a clean ring, easting first; used for formats that do not number their points. */
export function ringOf(pts: CornerPoint[], label: string, fail: Fail, repairs: string[]): Ring {
  const distinct = new Set(pts.map((p) => `${p.x},${p.y}`)).size;
  if (distinct < 3) fail(`${label}: ${distinct} distinct point${distinct === 1 ? '' : 's'}; a ring needs at least 3`);
  const closed = pts[0].x === pts[pts.length - 1].x && pts[0].y === pts[pts.length - 1].y;
  const raw = new Float64Array((pts.length + (closed ? 0 : 1)) * 2);
  pts.forEach((p, i) => {
    raw[2 * i] = p.y;
    raw[2 * i + 1] = p.x;
  });
  if (!closed) {
    raw[raw.length - 2] = pts[0].y;
    raw[raw.length - 1] = pts[0].x;
  }
  const fixed: string[] = [];
  const ring = cleanRing(raw, fixed);
  if (typeof ring === 'string') return fail(`${label}: ${ring}`);
  if (signedArea2(ring) === 0) fail(`${label}: its points lie on one line (the ring has no area)`);
  for (const f of fixed) repairs.push(`${label}: ${f}`);
  return ring;
}

/**
 * Polygons from rings marked by the registration flag: 1 starts a block (an exterior), -1 is an
 * excluded ring (扣除) of the preceding block, which must lie inside it. The flag is trusted rather
 * than containment, as the registration system does; containment only checks it.
 */
export function polygonsByFlag(rings: Ring[], flags: Array<1 | -1>, labels: string[], fail: Fail): MultiPolygon {
  const out: MultiPolygon = [];
  const owner: number[] = [];
  rings.forEach((ring, i) => {
    if (flags[i] === 1) {
      out.push([ring]);
      owner.push(i);
      return;
    }
    const p = out[out.length - 1];
    if (!p) fail(`${labels[i]}: an excluded ring (flag -1) before any block (flag 1)`);
    const blockLabel = labels[owner[owner.length - 1]];
    if (organizeRings([p[0].slice(), ring.slice()]).length !== 1) {
      fail(`${labels[i]}: the excluded ring (flag -1) does not lie inside its block, ${blockLabel}`);
    }
    p.push(ring);
  });
  out.forEach((p, k) => {
    // Each hole lies in its block, but one hole inside another would still make a bad polygon.
    // (Holes that merely overlap are left to the geometry validation, as for every layer.)
    if (p.length > 2 && !holesSeparate(p)) {
      fail(`${labels[owner[k]]}: its excluded rings lie inside one another`);
    }
    orientPolygon(p);
  });
  return out;
}

/** True when containment finds the polygon's holes are all holes of its exterior. */
function holesSeparate(p: Polygon): boolean {
  const organized = organizeRings(p.map((r) => r.slice()));
  return organized.length === 1 && organized[0].length === p.length;
}

export function parseElevation(top: string, bottom: string, at: string, fail: Fail): Elevation {
  const value = (text: string, what: string): number | null => {
    if (text.trim() === '') return null;
    const v = parseNumber(text);
    if (v === null) fail(`${at}: the ${what} elevation ${JSON.stringify(text)} is not a number`);
    return v;
  };
  const e = { top: value(top, 'top'), bottom: value(bottom, 'bottom') };
  if (e.top !== null && e.bottom !== null && e.top < e.bottom) {
    fail(`${at}: the top elevation ${e.top} is below the bottom elevation ${e.bottom}`);
  }
  return e;
}

/** elev_top is the highest top of any block, elev_bottom the lowest bottom: the licence's range. */
export function elevationAttributes(blocks: Elevation[]): Attributes {
  const tops = blocks.flatMap((b) => (b.top === null ? [] : [b.top]));
  const bottoms = blocks.flatMap((b) => (b.bottom === null ? [] : [b.bottom]));
  return {
    elev_top: tops.length ? Math.max(...tops) : null,
    elev_bottom: bottoms.length ? Math.min(...bottoms) : null,
    blocks: blocks.length,
    block_elevations: blocks.map((b) => `${formatValue(b.top)},${formatValue(b.bottom)}`).join(';'),
  };
}

// ---- the writers' side ----

function numberValue(v: AttributeValue | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return parseNumber(String(v));
}

/**
 * Per-block elevations of a feature being written: `block_elevations` ("top,bottom;top,bottom")
 * when it has one entry per block, else elev_top/elev_bottom for every block.
 */
export function blockElevationsOf(attrs: Attributes, blocks: number, what: string): Elevation[] {
  const listed = attrs.block_elevations;
  if (typeof listed === 'string' && listed.trim() !== '') {
    const parts = listed.split(';');
    if (parts.length !== blocks) {
      throw new RangeError(`${what}: block_elevations lists ${parts.length} blocks but the geometry has ${blocks}`);
    }
    return parts.map((part) => {
      const [top = '', bottom = '', ...rest] = part.split(',');
      const e = { top: numberValue(top), bottom: numberValue(bottom) };
      if (rest.length || (top.trim() !== '' && e.top === null) || (bottom.trim() !== '' && e.bottom === null)) {
        throw new RangeError(`${what}: block_elevations entry ${JSON.stringify(part)} is not "top,bottom"`);
      }
      return e;
    });
  }
  const e = { top: numberValue(attrs.elev_top), bottom: numberValue(attrs.elev_bottom) };
  return Array.from({ length: blocks }, () => ({ ...e }));
}

const LICENCE_KEYS = ['licence_id', 'lic_id', '许可证号', 'xkzh'];

/** The licence id of a feature being written (the names the screening reads), or null. */
export function licenceIdOf(attrs: Attributes): string | null {
  for (const [k, v] of Object.entries(attrs)) {
    if (!LICENCE_KEYS.includes(k.toLowerCase())) continue;
    if (v !== null && String(v).trim() !== '') return String(v).trim();
  }
  return null;
}

/** A written ring: [northing, easting] per vertex, without the closing repeat. */
export type WrittenRing = Array<[number, number]>;

/** The polygons of a feature as written rings, each polygon its exterior then its holes. */
export function writtenPolygons(f: WritableFeature, what: string): WrittenRing[][] {
  if (!f.geometry || f.geometry.length === 0) throw new RangeError(`${what}: no geometry to write`);
  return f.geometry.map((p) =>
    p.map((r) => {
      const out: WrittenRing = [];
      for (let i = 0; i + 2 < r.length; i += 2) out.push([r[i + 1], r[i]]);
      return out;
    }),
  );
}
