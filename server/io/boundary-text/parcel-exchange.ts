/**
 * The land-parcel coordinate exchange format of the Ministry of Land and Resources (国土资源部
 * 坐标交换格式, "报部格式"):
 *
 *   [属性描述]
 *   格式版本号=1.01版本
 *   坐标系=2000国家大地坐标系        (or 80西安坐标系, 54北京坐标系)
 *   几度分带=3                       (3 or 6)
 *   投影类型=高斯克吕格
 *   计量单位=米
 *   带号=39
 *   …                                (数据产生单位, 数据产生日期, 精度, 转换参数)
 *   [地块坐标]
 *   5,1.0000,D001,北台沟地块,面,J50G066039,采矿用地,0602,@      one line per parcel
 *   J1,1,3845000.000,39500000.000                                 pointName,ringNo,X,Y
 *   …
 *
 * 点数 counts the point lines that follow, closing repeats included. X is the northing, Y the
 * easting. Ring 1 is the exterior; further rings are holes or further parts, decided by
 * containment (organizeRings), since the numbers alone do not say which.
 */
import type { Datum } from '../../geo/ellipsoid.ts';
import { epsgFor, gaussKruger } from '../../geo/crs-epsg.ts';
import type { Attributes, Ring } from '../../geo/types.ts';
import type { Feature } from '../layer.ts';
import { organizeRings } from '../rings.ts';
import type { CornerPoint } from './corner-ring.ts';
import { ringOf } from './corner-ring.ts';
import type { Fail, TextLine } from './decode.ts';
import { failFor, parseCount, parseNumber, quote, tokens } from './decode.ts';

export const PARCEL_FIELDS = ['点数', '面积', '编号', '名称', '图幅号', '用途', '地类编码'] as const;
const PARCEL_LINE = '点数,面积,编号,名称,面,图幅号,用途,地类编码,@';
const SECTION = /^\s*\[\s*(.+?)\s*\]\s*$/;
const HEADER = '属性描述';
const PARCELS = '地块坐标';

export function isParcelExchange(lines: TextLine[]): boolean {
  return lines.some((l) => {
    const m = SECTION.exec(l.text);
    return m !== null && (m[1] === HEADER || m[1] === PARCELS);
  });
}

interface ParcelPoint extends CornerPoint {
  ring: number;
}

interface RawParcel {
  line: TextLine;
  values: string[];
  points: ParcelPoint[];
}

export interface ParcelContents {
  features: Feature[];
  crsHint: number | null;
  header: Record<string, string>;
}

export function readParcelExchange(lines: TextLine[], file: string): ParcelContents {
  const failFile: Fail = failFor(file);
  const header: Record<string, string> = {};
  const headerLine = new Map<string, number>();
  const parcels: RawParcel[] = [];
  let section: string | null = null;
  for (const line of lines) {
    if (line.text.trim() === '') continue;
    const at = `line ${line.no}`;
    const s = SECTION.exec(line.text);
    if (s) {
      if (s[1] !== HEADER && s[1] !== PARCELS) failFile(`${at}: unknown section [${s[1]}]; expected [${HEADER}] or [${PARCELS}]`);
      section = s[1];
      continue;
    }
    if (section === null) failFile(`${at}: expected the section [${HEADER}] or [${PARCELS}], found ${quote(line.text.trim())}`);
    if (section === HEADER) {
      const eq = line.text.indexOf('=');
      if (eq < 0) failFile(`${at}: expected "key=value" in [${HEADER}], found ${quote(line.text.trim())}`);
      const key = line.text.slice(0, eq).trim();
      const before = headerLine.get(key);
      if (before !== undefined) failFile(`${at}: ${key} is given a second time (first on line ${before})`);
      headerLine.set(key, line.no);
      header[key] = line.text.slice(eq + 1).trim();
      continue;
    }
    const t = tokens(line.text);
    if (t[t.length - 1] === '@') {
      const fail: Fail = failFor(file, parcels.length);
      if (t.length !== 9) fail(`${at}: a parcel line has 9 values "${PARCEL_LINE}", found ${t.length}`);
      parcels.push({ line, values: t, points: [] });
      continue;
    }
    const current = parcels[parcels.length - 1];
    if (!current) failFile(`${at}: a point line before the first parcel line ("${PARCEL_LINE}")`);
    const fail: Fail = failFor(file, parcels.length - 1, current.values[2] || undefined);
    if (t.length !== 4) fail(`${at}: expected a point line "J1,ringNo,X,Y" or a parcel line ending in ",@", found ${quote(line.text.trim())}`);
    const ring = parseCount(t[1]);
    if (ring === null || ring === 0) fail(`${at}: the ring number ${quote(t[1])} is not a whole number from 1`);
    const x = parseNumber(t[2]);
    if (x === null) fail(`${at}: the X coordinate ${quote(t[2])} is not a number`);
    const y = parseNumber(t[3]);
    if (y === null) fail(`${at}: the Y coordinate ${quote(t[3])} is not a number`);
    current.points.push({ no: current.points.length + 1, ring, x, y, at });
  }
  if (parcels.length === 0) failFile(`the file holds no parcels (no "${PARCEL_LINE}" line in [${PARCELS}])`);
  const features = parcels.map((p, index) => parcelFeature(p, index, file));
  const eastings = parcels.flatMap((p) => p.points);
  return { features, crsHint: crsHintFromHeader(header, eastings, failFile), header };
}

function parcelFeature(p: RawParcel, index: number, file: string): Feature {
  const [count, area, code, name, shape, sheet, use, landClass] = p.values;
  const id = code || name || undefined;
  const fail: Fail = failFor(file, index, id);
  const at = `line ${p.line.no}`;
  const n = parseCount(count);
  if (n === null) fail(`${at}: 点数 ${quote(count)} is not a whole number`);
  const areaValue = area === '' ? null : parseNumber(area);
  if (area !== '' && areaValue === null) fail(`${at}: 面积 ${quote(area)} is not a number`);
  if (shape !== '' && shape !== '面') fail(`${at}: the parcel is a ${quote(shape)}; only polygons (面) are read`);
  if (p.points.length === 0) fail(`${at}: the parcel has no point lines`);
  if (n !== p.points.length) {
    const span = p.points.length ? ` (${p.points[0].at} to ${p.points[p.points.length - 1].at})` : '';
    fail(`${at}: 点数 says ${n} points but ${p.points.length} point lines follow${span}`);
  }
  // Rings are runs of one ring number; a number coming back later is a broken file, not a new ring.
  const runs: ParcelPoint[][] = [];
  const done = new Set<number>();
  for (const pt of p.points) {
    const run = runs[runs.length - 1];
    if (run && run[0].ring === pt.ring) {
      run.push(pt);
      continue;
    }
    if (done.has(pt.ring)) fail(`${pt.at}: ring ${pt.ring} starts again after other rings; a ring's points must be together`);
    done.add(pt.ring);
    runs.push([pt]);
  }
  const repairs: string[] = [];
  const rings: Ring[] = runs.map((run) => ringOf(run, `ring ${run[0].ring} (from ${run[0].at})`, fail, repairs));
  const attributes: Attributes = {
    点数: n, 面积: areaValue, 编号: code || null, 名称: name || null, 图幅号: sheet || null, 用途: use || null, 地类编码: landClass || null,
  };
  const geometry = organizeRings(rings);
  return repairs.length ? { index, geometry, attributes, repairs } : { index, geometry, attributes };
}

/** The datum a 坐标系 value names: "2000国家大地坐标系", "西安80坐标系", "1954北京坐标系", "CGCS2000", … */
export function datumOfName(text: string | undefined): Datum | null {
  if (!text) return null;
  if (/2000|cgcs/i.test(text)) return 'cgcs2000';
  if (/80|西安|xian/i.test(text)) return 'xian80';
  if (/54|北京|beijing/i.test(text)) return 'beijing54';
  return null;
}

function headerInt(header: Record<string, string>, key: string, fail: Fail): number | null {
  const v = header[key];
  if (v === undefined || v.trim() === '') return null;
  const m = /^\s*(\d+)\s*(度|°|带)?\s*$/.exec(v);
  if (!m) fail(`[${HEADER}] ${key}=${v} is not a whole number`);
  return Number(m[1]);
}

/**
 * The EPSG code the header states, or null when it does not state enough (the CLI then asks):
 * datum from 坐标系, zone width from 几度分带, zone from 带号 (or from the eastings' zone prefix
 * when 带号 is missing), Gauss-Krüger in metres. Whether the eastings carry the zone prefix is
 * read from the Y coordinates. A header contradicted by the coordinates is an error.
 */
export function crsHintFromHeader(header: Record<string, string>, points: CornerPoint[], fail: Fail): number | null {
  const width = headerInt(header, '几度分带', fail);
  if (width !== null && width !== 3 && width !== 6) fail(`[${HEADER}] 几度分带=${header['几度分带']}: zones are 3 or 6 degrees wide`);
  const zone = headerInt(header, '带号', fail);
  let prefixed: CornerPoint | null = null;
  let plain: CornerPoint | null = null;
  for (const p of points) {
    if (p.y >= 1_000_000) {
      if (prefixed && Math.floor(prefixed.y / 1e6) !== Math.floor(p.y / 1e6)) {
        fail(`the Y coordinates carry different zone prefixes: ${prefixed.y} (${prefixed.at}) and ${p.y} (${p.at})`);
      }
      prefixed ??= p;
    } else plain ??= p;
  }
  if (prefixed && plain) {
    fail(`the Y coordinates mix eastings with a zone prefix, ${prefixed.y} (${prefixed.at}), and without, ${plain.y} (${plain.at})`);
  }
  const prefixZone = prefixed ? Math.floor(prefixed.y / 1e6) : null;
  if (zone !== null && prefixZone !== null && zone !== prefixZone) {
    fail(`[${HEADER}] says 带号=${zone} but the Y coordinates carry the zone prefix ${prefixZone} (${prefixed?.at}: ${prefixed?.y})`);
  }
  const z = zone ?? prefixZone;
  if (width !== null && z !== null) {
    const [lo, hi] = width === 6 ? [13, 23] : [25, 45];
    if (z < lo || z > hi) fail(`[${HEADER}] says 带号=${z}, which is not a ${width}-degree zone in China (${lo}–${hi})`);
  }
  const datum = datumOfName(header['坐标系']);
  const projection = header['投影类型'];
  const unit = header['计量单位'];
  if (projection && !/高斯|gauss/i.test(projection)) return null;
  if (unit && !/^(米|m|metres?|meters?)$/i.test(unit.trim())) return null;
  if (datum === null || width === null || z === null) return null;
  return epsgFor(gaussKruger(datum, width === 6 ? 6 : 3, z, prefixed !== null));
}
