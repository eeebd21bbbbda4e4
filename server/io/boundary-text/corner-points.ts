/**
 * Mining-right corner points (拐点坐标) of the registration system, in its three encodings. All
 * three list rings as numbered points `pointNo,X,Y` (X northing, Y easting), each ring followed by
 * a terminator `top,bottom,remark,flag`: flag 1 = a block (an exterior), -1 = a ring excluded (扣除)
 * from the preceding block. The remark is free text and is ignored: the flag decides.
 *
 *   keyed   XY001=1,X,Y … XY005=标高,top,bottom,,1   keys XYnnn consecutive through the file
 *   string  ringCount,pointCount,pointNo,X,Y,…,top,bottom,remark,flag,pointCount,…
 *           one string per file, or several lines `licence_id=string`
 *   line    pointNo,X,Y lines, each ring closed by `*,top,bottom,remark,flag`
 *
 * One licence = one feature: a MultiPolygon with one polygon per block. A keyed or line file, or a
 * file holding a single string, is one licence named by the file stem.
 */
import type { Feature } from '../layer.ts';
import type { CornerPoint, Elevation, RawRing } from './corner-ring.ts';
import { cleanRings, elevationAttributes, parseElevation, polygonsByFlag } from './corner-ring.ts';
import type { Fail, TextLine } from './decode.ts';
import { failFor, fileStem, nonBlank, parseCount, parseNumber, quote, tokens } from './decode.ts';

interface ParsedRing extends RawRing {
  flag: 1 | -1;
  /** null for excluded rings: their elevations mean nothing and are ignored */
  elevation: Elevation | null;
}

function parsePoint(no: string, x: string, y: string, at: string, fail: Fail): CornerPoint {
  const n = parseCount(no);
  if (n === null) fail(`${at}: the point number ${quote(no)} is not a whole number`);
  const px = parseNumber(x);
  if (px === null) fail(`${at}: the X coordinate ${quote(x)} is not a number`);
  const py = parseNumber(y);
  if (py === null) fail(`${at}: the Y coordinate ${quote(y)} is not a number`);
  return { no: n, x: px, y: py, at };
}

function parseFlag(text: string, at: string, fail: Fail): 1 | -1 {
  const t = text.trim();
  if (t === '1') return 1;
  if (t === '-1') return -1;
  return fail(`${at}: the flag ${quote(t)} must be 1 (a block) or -1 (an excluded ring)`);
}

/** Collects points until a terminator closes the ring. */
class RingBuilder {
  readonly rings: ParsedRing[] = [];
  private pending: CornerPoint[] = [];
  private blocks = 0;

  constructor(private readonly fail: Fail, private readonly terminator: string) {}

  point(no: string, x: string, y: string, at: string): void {
    this.pending.push(parsePoint(no, x, y, at, this.fail));
  }

  /** `t` = top, bottom, remark, flag */
  end(t: string[], at: string): void {
    const n = this.rings.length + 1;
    if (this.pending.length === 0) this.fail(`${at}: the terminator of ring ${n} has no points before it`);
    const flag = parseFlag(t[3], at, this.fail);
    const from = `from ${this.pending[0].at}`;
    let label: string;
    let elevation: Elevation | null = null;
    if (flag === 1) {
      this.blocks++;
      label = `ring ${n} (block ${this.blocks}, ${from})`;
      elevation = parseElevation(t[0], t[1], at, this.fail);
    } else {
      if (this.blocks === 0) this.fail(`${at}: ring ${n} (${from}) is an excluded ring (flag -1) before any block (flag 1)`);
      label = `ring ${n} (excluded from block ${this.blocks}, ${from})`;
    }
    this.rings.push({ points: this.pending, label, flag, elevation });
    this.pending = [];
  }

  finish(): ParsedRing[] {
    if (this.pending.length > 0) {
      const last = this.pending[this.pending.length - 1];
      this.fail(
        `ring ${this.rings.length + 1} (from ${this.pending[0].at}) has no terminator: ` +
          `expected "${this.terminator}" after its last point (${last.at})`,
      );
    }
    if (this.rings.length === 0) this.fail('no corner points in the file');
    return this.rings;
  }
}

function cornerFeature(rings: ParsedRing[], index: number, licenceId: string, fail: Fail): Feature {
  const repairs: string[] = [];
  const clean = cleanRings(rings, fail, repairs);
  const geometry = polygonsByFlag(clean, rings.map((r) => r.flag), rings.map((r) => r.label), fail);
  const blocks = rings.flatMap((r) => (r.elevation ? [r.elevation] : []));
  const attributes = { licence_id: licenceId, ...elevationAttributes(blocks) };
  return repairs.length ? { index, geometry, attributes, repairs } : { index, geometry, attributes };
}

const KEY = /^\s*XY(\d+)\s*=(.*)$/i;

export function isKeyedLine(text: string): boolean {
  return KEY.test(text);
}

function key(n: number): string {
  return `XY${String(n).padStart(3, '0')}`;
}

export function readCornerKeyed(lines: TextLine[], file: string): Feature[] {
  const id = fileStem(file);
  const fail: Fail = failFor(file, 0, id);
  const b = new RingBuilder(fail, 'XYnnn=标高,top,bottom,remark,flag');
  let last = 0;
  for (const line of nonBlank(lines)) {
    const at = `line ${line.no}`;
    const m = KEY.exec(line.text);
    if (!m) fail(`${at}: expected a line "XYnnn=…", found ${quote(line.text.trim())}`);
    const k = Number(m[1]);
    if (k !== last + 1) fail(`${at}: key XY${m[1]} is out of order; expected ${key(last + 1)}`);
    last = k;
    const t = tokens(m[2]);
    // 3 values are a point; 5 are a terminator, whatever its label (标高 garbles under a wrong encoding)
    if (t.length === 3) b.point(t[0], t[1], t[2], at);
    else if (t.length === 5) b.end(t.slice(1), at);
    else fail(`${at}: expected "pointNo,X,Y" or "标高,top,bottom,remark,flag" after ${key(k)}=, found ${t.length} values`);
  }
  return [cornerFeature(b.finish(), 0, id, fail)];
}

export function readCornerLine(lines: TextLine[], file: string): Feature[] {
  const id = fileStem(file);
  const fail: Fail = failFor(file, 0, id);
  const b = new RingBuilder(fail, '*,top,bottom,remark,flag');
  for (const line of nonBlank(lines)) {
    const at = `line ${line.no}`;
    const t = tokens(line.text);
    if (t[0] === '*' && t.length === 5) b.end(t.slice(1), at);
    else if (t.length === 3 && t[0] !== '*') b.point(t[0], t[1], t[2], at);
    else fail(`${at}: expected "pointNo,X,Y" or "*,top,bottom,remark,flag", found ${quote(line.text.trim())}`);
  }
  return [cornerFeature(b.finish(), 0, id, fail)];
}

/** `licence_id=string` (the multi-licence string file). */
const ID_LINE = /^\s*([^=,]+?)\s*=(.*)$/;

export function isIdStringLine(text: string): boolean {
  return ID_LINE.test(text) && !KEY.test(text);
}

/** A bare string: many comma-separated values starting with the ring count. */
export function isBareString(text: string): boolean {
  const t = tokens(text);
  // 1 ring of 3 points: 1 + 1 + 9 + 4 values at least
  return t.length >= 15 && parseCount(t[0]) !== null && parseCount(t[1]) !== null;
}

/**
 * The single-string form. A file is either ONE line holding one string (the licence is the file
 * stem) or lines `licence_id=string`, one licence per line; a string never spans lines.
 */
export function readCornerString(lines: TextLine[], file: string): Feature[] {
  const rows = nonBlank(lines);
  if (rows.length === 1 && !isIdStringLine(rows[0].text)) {
    const id = fileStem(file);
    return [parseString(rows[0].text, rows[0].no, 0, id, failFor(file, 0, id))];
  }
  const seen = new Map<string, number>();
  return rows.map((line, index) => {
    const m = ID_LINE.exec(line.text);
    if (!m || KEY.test(line.text)) {
      const why = 'a file of several strings names each licence';
      return failFor(file, index)(`line ${line.no}: expected "licence_id=string" (${why}), found ${quote(line.text.trim())}`);
    }
    const id = m[1].trim();
    const fail: Fail = failFor(file, index, id);
    const before = seen.get(id);
    if (before !== undefined) fail(`line ${line.no}: licence ${id} appears a second time (first on line ${before})`);
    seen.set(id, line.no);
    return parseString(m[2], line.no, index, id, fail);
  });
}

function looksLikePoint(t: string[], pos: number): boolean {
  return pos + 3 <= t.length && parseCount(t[pos]) !== null && parseNumber(t[pos + 1]) !== null && parseNumber(t[pos + 2]) !== null;
}

function looksLikeTerminator(t: string[], pos: number): boolean {
  const elev = (s: string): boolean => s === '' || parseNumber(s) !== null;
  return pos + 4 <= t.length && (t[pos + 3] === '1' || t[pos + 3] === '-1') && elev(t[pos]) && elev(t[pos + 1]);
}

function parseString(text: string, lineNo: number, index: number, id: string, fail: Fail): Feature {
  const t = tokens(text);
  // The last value is a flag, never empty: a trailing comma is a stray separator.
  if (t.length > 1 && t[t.length - 1] === '') t.pop();
  const at = (pos: number): string => `line ${lineNo}, value ${pos + 1}`;
  const ringCount = parseCount(t[0]);
  if (ringCount === null || ringCount === 0) {
    fail(`${at(0)}: the string must start with the number of rings, found ${quote(t[0])}`);
  }
  const b = new RingBuilder(fail, 'top,bottom,remark,flag');
  let pos = 1;
  for (let r = 1; r <= ringCount; r++) {
    if (pos >= t.length) fail(`line ${lineNo}: the string ends after ${r - 1} of the ${ringCount} rings it declares`);
    const n = parseCount(t[pos]);
    if (n === null || n === 0) fail(`${at(pos)}: expected the point count of ring ${r}, found ${quote(t[pos])}`);
    pos++;
    for (let k = 0; k < n; k++) {
      // A wrong point count shows as a terminator where a point should be: say so, rather than
      // complain about the terminator's values read as a point.
      if (!looksLikePoint(t, pos) && (pos + 3 > t.length || looksLikeTerminator(t, pos))) {
        fail(`${at(pos)}: ring ${r} declares ${n} points but has ${k}`);
      }
      b.point(t[pos], t[pos + 1], t[pos + 2], at(pos));
      pos += 3;
    }
    if (pos + 4 > t.length) {
      fail(`line ${lineNo}: ring ${r} lacks its "top,bottom,remark,flag" after its ${n} points (the string ends)`);
    }
    if (!looksLikeTerminator(t, pos) && looksLikePoint(t, pos)) {
      fail(`${at(pos)}: ring ${r} declares ${n} points but has more`);
    }
    b.end(t.slice(pos, pos + 4), at(pos));
    pos += 4;
  }
  if (pos < t.length) {
    fail(`${at(pos)}: ${t.length - pos} value${t.length - pos === 1 ? '' : 's'} left over after the ${ringCount} ring${ringCount === 1 ? '' : 's'} the string declares`);
  }
  return cornerFeature(b.finish(), index, id, fail);
}
