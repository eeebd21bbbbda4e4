/**
 * What the CLI (`redline screen`) and the service (a run of stored datasets) both do between
 * reading a layer and screening it: refuse layers that are not polygons, swap x/y back when the
 * file has northing first, and check a datum shift against the layers it would apply to. Kept in
 * one place so a run in the service screens exactly what the CLI screens.
 */
import { isOldDatum } from '../geo/crs.ts';
import type { Crs, DatumShift } from '../geo/crs-types.ts';
import { InputError } from '../errors.ts';
import type { Feature, GeometryKind } from './layer.ts';
import { swapXY } from './layer-crs.ts';
import type { ZoneType } from '../screening/fields.ts';
import type { LayerInput } from '../screening/types.ts';

/** Screening needs polygons: a point or line layer given as licences, zones or blocks is an input error. */
export function requirePolygons(layer: { source: string; kind: GeometryKind }): void {
  if (layer.kind !== 'polygon') {
    throw new InputError(layer.source, `holds ${layer.kind === 'none' ? 'no geometries' : `${layer.kind} geometries`}; redline needs polygons here`);
  }
}

/**
 * The layer as screening sees it. `swapped`: the file has northing in x (resolveLayerCrs found
 * it), so every geometry is swapped back here.
 */
export function toLayerInput(
  layer: { source: string; name: string; fields: readonly string[]; features: readonly Feature[]; zoneType?: ZoneType | null },
  crs: Crs,
  swapped: boolean,
): LayerInput {
  const features = swapped
    ? layer.features.map((f) => ({ ...f, geometry: f.geometry && swapXY(f.geometry) }))
    : layer.features;
  const input: LayerInput = { source: layer.source, name: layer.name, crs, fields: layer.fields, features };
  if (layer.zoneType) input.zoneType = layer.zoneType;
  return input;
}

/**
 * A datum shift applies to Xian 1980 or Beijing 1954 layers, one set of parameters for one old
 * datum. Throws an Error (the caller's usage error) when it fits none or two of them.
 */
export function checkDatumShift(crss: readonly Crs[], shift: DatumShift | undefined): void {
  if (!shift) return;
  const oldDatums = new Set(crss.flatMap((c) => (isOldDatum(c) && c.kind !== 'web-mercator' ? [c.datum] : [])));
  if (oldDatums.size === 0) {
    throw new Error('--datum-shift is for Xian 1980 or Beijing 1954 data, and no layer uses either');
  }
  if (oldDatums.size > 1) {
    throw new Error('--datum-shift gives one set of parameters, but the layers use both Xian 1980 and Beijing 1954; convert one of them first');
  }
}
