import { crsFromEpsg, crsFromPrj, crsName, epsgFor, suggestCrs } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
import { swapRing } from '../geo/projection.ts';
import type { BBox, MultiPolygon } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import type { Layer } from './layer.ts';

/** How a layer's CRS was decided; recorded in run.json so a result can be checked. */
export interface ResolvedCrs {
  crs: Crs;
  epsg: number | null;
  name: string;
  source: 'flag' | 'prj' | 'format';
  /** the file had northing in x and easting in y; the coordinates were swapped on reading */
  swapped: boolean;
}

function fitsGk(crs: Crs, bbox: BBox): boolean {
  if (crs.kind !== 'gauss-kruger') return true;
  const [minX, minY, maxX, maxY] = bbox;
  const cm = crs.falseEasting;
  // within ±400 km of the central meridian and at China's northings (3°N–54°N): degrees
  // given as metres, or northings written into x, fail here
  return minX >= cm - 400_000 && maxX <= cm + 400_000 && minY >= 300_000 && maxY <= 6_100_000;
}

/** Longitude/latitude in China's range (with a margin): the only lon/lat redline expects. */
function fitsChina(bbox: BBox): boolean {
  return bbox[0] >= 70 && bbox[2] <= 140 && bbox[1] >= 0 && bbox[3] <= 56;
}

/**
 * The CRS of a layer: the flag wins, then the .prj, then what the format implies (GeoJSON).
 * Without any of them we never guess silently: the error carries the suggestion and the flag
 * that confirms it. Swapped axes (X = northing, the Chinese survey convention, written into x)
 * are detected against the CRS and reported.
 */
export function resolveLayerCrs(layer: Layer, flag: Crs | null, flagName: string): ResolvedCrs {
  const bbox = layer.bbox;
  let crs: Crs;
  let source: ResolvedCrs['source'];
  if (flag) {
    crs = flag;
    source = 'flag';
    // A flag confirms a CRS for files that have none; it never silently overrides a .prj that
    // says something else (one --zone-crs serves several zone files).
    const fromPrj = layer.prj === null ? null : tryPrj(layer.prj);
    if (fromPrj && !sameCrs(fromPrj, flag)) {
      throw new InputError(
        layer.source,
        `its .prj says ${crsName(fromPrj)} but ${flagName} says ${crsName(flag)}; ` +
        `remove the flag (it applies to every such file) or fix the .prj`,
      );
    }
  } else if (layer.prj !== null) {
    try {
      crs = crsFromPrj(layer.prj);
    } catch (err) {
      throw new InputError(layer.source, `cannot use its .prj: ${(err as Error).message}; pass ${flagName} EPSG:n`);
    }
    source = 'prj';
  } else if (layer.crsHint !== null) {
    try {
      crs = crsFromEpsg(layer.crsHint);
    } catch (err) {
      throw new InputError(layer.source, `${(err as Error).message}; pass ${flagName} EPSG:n`);
    }
    source = 'format';
  } else {
    const s = bbox ? suggestCrs(bbox) : null;
    if (!s) {
      throw new InputError(layer.source, `no .prj, and the coordinates do not tell the CRS; pass ${flagName} EPSG:n`);
    }
    const code = s.epsg !== null ? `EPSG:${s.epsg}` : crsName(s.crs);
    throw new InputError(
      layer.source,
      `no .prj; the coordinates suggest ${code} (${crsName(s.crs)}): ${s.reason.replace(/\.$/, '')}` +
      `${s.swapped ? ' (X/Y are swapped in the file; redline swaps them back)' : ''}. Confirm with ${flagName} ${code}`,
    );
  }
  let swapped = false;
  if (bbox && !fitsGk(crs, bbox)) {
    const flipped: BBox = [bbox[1], bbox[0], bbox[3], bbox[2]];
    if (fitsGk(crs, flipped)) {
      swapped = true;
    } else {
      throw new InputError(
        layer.source,
        `coordinates (x ${bbox[0].toFixed(0)}…${bbox[2].toFixed(0)}, y ${bbox[1].toFixed(0)}…${bbox[3].toFixed(0)}) ` +
        `do not fit ${crsName(crs)}; check the CRS (${flagName})`,
      );
    }
  }
  if (bbox && crs.kind === 'geographic' && !fitsChina(bbox)) {
    if (fitsChina([bbox[1], bbox[0], bbox[3], bbox[2]])) {
      swapped = true;
    } else {
      throw new InputError(
        layer.source,
        `coordinates (x ${bbox[0].toFixed(3)}…${bbox[2].toFixed(3)}, y ${bbox[1].toFixed(3)}…${bbox[3].toFixed(3)}) ` +
        `are not longitude/latitude in China (${crsName(crs)}); check the CRS (${flagName})`,
      );
    }
  }
  return { crs, epsg: epsgFor(crs), name: crsName(crs), source, swapped };
}

/**
 * Whether two CRSs put the same coordinates at the same place. Zone width and number are only
 * labels, and WGS 84 is taken as CGCS2000 throughout (they differ by centimetres).
 */
function sameCrs(a: Crs, b: Crs): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'web-mercator') return true;
  const frame = (d: string): string => (d === 'wgs84' ? 'cgcs2000' : d);
  if (frame(a.datum) !== frame((b as typeof a).datum)) return false;
  if (a.kind === 'geographic') return true;
  const g = b as typeof a;
  return a.centralMeridian === g.centralMeridian && a.falseEasting === g.falseEasting;
}

function tryPrj(wkt: string): Crs | null {
  try {
    return crsFromPrj(wkt);
  } catch {
    return null;
  }
}

/** The same geometry with x and y exchanged (rings stay closed; orientation is irrelevant downstream). */
export function swapXY(mp: MultiPolygon): MultiPolygon {
  return mp.map((polygon) => polygon.map(swapRing));
}

/**
 * What the validation report says about a layer's CRS. Never throws: where resolveLayerCrs would
 * refuse the layer, this says why. `found` with a `problem` is a CRS that was declared but cannot
 * be used as it stands (the flag contradicts the .prj, or the coordinates do not fit it).
 */
export type CrsDescription =
  | {
      status: 'found';
      source: ResolvedCrs['source'];
      epsg: number | null;
      name: string;
      crs: Crs;
      /** the file has northing in x (or latitude in x) */
      swapped: boolean;
      problem: string | null;
    }
  | {
      status: 'suggested';
      epsg: number | null;
      name: string;
      crs: Crs;
      swapped: boolean;
      /** why, in words: "8-digit eastings whose first two digits, 39, …" */
      reason: string;
      /** the flag that confirms it, e.g. "--crs EPSG:4527", or null when there is no EPSG code */
      confirm: string | null;
    }
  | { status: 'unknown'; reason: string };

/**
 * The CRS of a layer as resolveLayerCrs decides it (same order: flag, .prj, format), or, where it
 * has none, the suggestion from the coordinates with the flag that confirms it.
 */
export function describeLayerCrs(layer: Layer, flag: Crs | null, flagName = '--crs'): CrsDescription {
  let declared: { crs: Crs; source: ResolvedCrs['source'] } | null = null;
  let unusable = '';
  if (flag) {
    declared = { crs: flag, source: 'flag' };
  } else if (layer.prj !== null) {
    const crs = tryPrj(layer.prj);
    if (crs) declared = { crs, source: 'prj' };
    else unusable = `its .prj cannot be used (${prjError(layer.prj)})`;
  } else if (layer.crsHint !== null) {
    try {
      declared = { crs: crsFromEpsg(layer.crsHint), source: 'format' };
    } catch (err) {
      unusable = (err as Error).message;
    }
  }
  if (declared) {
    const { crs, source } = declared;
    const base = { status: 'found' as const, source, epsg: epsgFor(crs), name: crsName(crs), crs };
    try {
      const r = resolveLayerCrs(layer, flag, flagName);
      return { ...base, swapped: r.swapped, problem: null };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // GeoJSON "is" lon/lat, but Chinese tools write projected coordinates into it without a
      // "crs" member: the coordinates may say which, and a flag overrides a format's default.
      const s = source === 'format' && layer.bbox ? suggestCrs(layer.bbox) : null;
      const hint = s?.epsg ? `; the coordinates suggest EPSG:${s.epsg} (${crsName(s.crs)}): confirm with ${flagName} EPSG:${s.epsg}` : '';
      return { ...base, swapped: false, problem: err.reason + hint };
    }
  }
  const bbox = layer.bbox;
  const s = bbox ? suggestCrs(bbox) : null;
  const what = unusable || (layer.format === 'shapefile' ? 'no .prj' : 'no CRS in the file');
  if (!s) {
    const coords = bbox
      ? `the coordinates (x ${num(bbox[0])}…${num(bbox[2])}, y ${num(bbox[1])}…${num(bbox[3])}) do not tell the CRS ` +
        '(eastings without a zone number fit every zone alike)'
      : 'there are no coordinates to tell the CRS from';
    return { status: 'unknown', reason: `${what}, and ${coords}; pass ${flagName} EPSG:n` };
  }
  return {
    status: 'suggested',
    epsg: s.epsg,
    name: crsName(s.crs),
    crs: s.crs,
    swapped: s.swapped,
    reason: `${what}; ${s.reason}`,
    confirm: s.epsg !== null ? `${flagName} EPSG:${s.epsg}` : null,
  };
}

function prjError(wkt: string): string {
  try {
    crsFromPrj(wkt);
    return 'unknown reason';
  } catch (err) {
    return (err as Error).message;
  }
}

/** Plain numbers for bureau staff: no exponents, no thousands separators. */
function num(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : String(Number(v.toFixed(6)));
}
