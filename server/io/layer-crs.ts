import { crsFromEpsg, crsFromPrj, crsName, epsgFor, suggestCrs } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
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
      `no .prj; the coordinates suggest ${code} (${crsName(s.crs)}): ${s.reason}` +
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
  return mp.map((polygon) =>
    polygon.map((ring) => {
      const out = new Float64Array(ring.length);
      for (let i = 0; i < ring.length; i += 2) {
        out[i] = ring[i + 1];
        out[i + 1] = ring[i];
      }
      return out;
    }),
  );
}
