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
  const e0 = crs.falseEasting - 500_000;
  // within ±500 km of the central meridian, northing inside China's range
  return minX >= e0 && maxX <= e0 + 1_000_000 && minY >= 0 && maxY <= 6_500_000;
}

function fitsGeographic(crs: Crs, bbox: BBox): boolean {
  if (crs.kind !== 'geographic') return true;
  return bbox[0] >= -180 && bbox[2] <= 180 && bbox[1] >= -90 && bbox[3] <= 90;
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
  } else if (layer.prj !== null) {
    try {
      crs = crsFromPrj(layer.prj);
    } catch (err) {
      throw new InputError(layer.source, `cannot use its .prj: ${(err as Error).message}; pass ${flagName} EPSG:n`);
    }
    source = 'prj';
  } else if (layer.crsHint !== null) {
    crs = crsFromEpsg(layer.crsHint);
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
  if (bbox && !fitsGeographic(crs, bbox)) {
    throw new InputError(layer.source, `coordinates are out of range for longitude/latitude (${crsName(crs)}); check the CRS (${flagName})`);
  }
  return { crs, epsg: epsgFor(crs), name: crsName(crs), source, swapped };
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
