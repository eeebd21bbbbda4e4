/**
 * Writers of the three mining-right corner-point encodings (see corner-points.ts). Each block is
 * written as its exterior (flag 1) followed by its holes as excluded rings (flag -1); points are
 * numbered from 1 in every ring and rings are written without repeating the first point, as the
 * registration system does. Excluded rings repeat their block's elevations (the readers ignore
 * them, other tools expect numbers there). Lines end in CRLF: these files go to Windows tools.
 */
import type { Elevation, WrittenRing } from './corner-ring.ts';
import { blockElevationsOf, licenceIdOf, writtenPolygons } from './corner-ring.ts';
import type { WritableFeature, WriteOptions } from './decode.ts';
import { decimalsOf, encodeText, formatCoord, formatValue } from './decode.ts';

interface OutRing {
  points: WrittenRing;
  elevation: Elevation;
  flag: 1 | -1;
}

function outRings(f: WritableFeature, what: string): OutRing[] {
  const polygons = writtenPolygons(f, what);
  const elevations = blockElevationsOf(f.attributes, polygons.length, what);
  return polygons.flatMap((p, k) =>
    p.map((points, i) => ({ points, elevation: elevations[k], flag: i === 0 ? (1 as const) : (-1 as const) })),
  );
}

/** "pointNo,X,Y" for every point of a ring: X the northing, Y the easting. */
function pointTexts(ring: OutRing, decimals: number): string[] {
  return ring.points.map(([n, e], i) => `${i + 1},${formatCoord(n, decimals)},${formatCoord(e, decimals)}`);
}

function terminator(ring: OutRing): string {
  return `${formatValue(ring.elevation.top)},${formatValue(ring.elevation.bottom)},,${ring.flag}`;
}

/** `XY001=1,X,Y` … `XYnnn=标高,top,bottom,,flag`: one licence, named by the file it is saved as. */
export function writeCornerKeyed(feature: WritableFeature, options: WriteOptions = {}): Buffer {
  const decimals = decimalsOf(options);
  const lines: string[] = [];
  const key = (): string => `XY${String(lines.length + 1).padStart(3, '0')}`;
  for (const ring of outRings(feature, 'the licence')) {
    for (const p of pointTexts(ring, decimals)) lines.push(`${key()}=${p}`);
    lines.push(`${key()}=标高,${terminator(ring)}`);
  }
  return encodeText(lines.map((l) => `${l}\r\n`).join(''), options, false);
}

/** `pointNo,X,Y` lines, each ring closed by `*,top,bottom,,flag`: one licence per file. */
export function writeCornerLine(feature: WritableFeature, options: WriteOptions = {}): Buffer {
  const decimals = decimalsOf(options);
  const lines: string[] = [];
  for (const ring of outRings(feature, 'the licence')) {
    lines.push(...pointTexts(ring, decimals), `*,${terminator(ring)}`);
  }
  return encodeText(lines.map((l) => `${l}\r\n`).join(''), options, false);
}

/** The string the registration database stores for one licence. */
export function cornerString(feature: WritableFeature, decimals: number, what = 'the licence'): string {
  const rings = outRings(feature, what);
  const parts = [String(rings.length)];
  for (const ring of rings) parts.push(String(ring.points.length), ...pointTexts(ring, decimals), terminator(ring));
  return parts.join(',');
}

export interface CornerStringOptions extends WriteOptions {
  /** lines `licence_id=string`; default: only when there is more than one feature */
  ids?: boolean;
}

/** One bare string (one licence, named by the file), or one `licence_id=string` line per licence. */
export function writeCornerString(features: WritableFeature[], options: CornerStringOptions = {}): Buffer {
  const decimals = decimalsOf(options);
  if (features.length === 0) throw new RangeError('no licences to write');
  const ids = options.ids ?? features.length !== 1;
  if (!ids && features.length !== 1) {
    throw new RangeError(`a bare corner string holds one licence, not ${features.length}: write with ids`);
  }
  const seen = new Set<string>();
  const lines = features.map((f, i) => {
    const what = `feature #${i}`;
    if (!ids) return cornerString(f, decimals, what);
    const id = licenceIdOf(f.attributes);
    if (id === null) throw new RangeError(`${what} has no licence_id to write`);
    if (/[=,\r\n]/.test(id)) throw new RangeError(`${what}: the licence id ${JSON.stringify(id)} contains "=", "," or a line break`);
    if (seen.has(id)) throw new RangeError(`${what}: licence ${id} is written twice`);
    seen.add(id);
    return `${id}=${cornerString(f, decimals, `${what} (${id})`)}`;
  });
  return encodeText(lines.map((l) => `${l}\r\n`).join(''), options, false);
}
