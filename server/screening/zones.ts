import { multiPolygonBBox } from '../geo/bbox.ts';
import type { Crs } from '../geo/crs-types.ts';
import type { BBox, MultiPolygon } from '../geo/types.ts';
import { textOf, zoneTypeOf, type FieldMapping, type ZoneType } from './fields.ts';
import type { LayerInput } from './types.ts';

/** The protected zones as the overlay needs them: plain data, so it can go to a worker. */
export interface ZoneGeometry {
  /** index into the flat list of all zone features */
  zone: number;
  /** the CRS of the zone's layer */
  crs: Crs;
  geometry: MultiPolygon;
  /** bounding box in that CRS */
  bbox: BBox;
}

/** A zone feature with what the reports say about it. */
export interface ZoneFeature extends ZoneGeometry {
  layer: LayerInput;
  zoneId: string;
  zoneName: string | null;
  zoneType: ZoneType | null;
}


/** Flattens the zone layers into features with id, name and type resolved. */
export function collectZones(
  layers: readonly LayerInput[],
  mappings: readonly FieldMapping[],
  warnings: string[],
): ZoneFeature[] {
  const out: ZoneFeature[] = [];
  layers.forEach((layer, li) => {
    const m = mappings[li];
    // declared for the layer, else the file's own name, not its folders': a folder called redline-data says nothing
    const typeFromName = layer.zoneType ?? zoneTypeOf(layer.name);
    let untyped = 0;
    const empty: number[] = [];
    for (const f of layer.features) {
      if (!f.geometry || f.geometry.length === 0) {
        empty.push(f.index);
        continue;
      }
      const zoneType = zoneTypeOf(textOf(f.attributes, m.zone_type)) ?? typeFromName;
      if (!zoneType) untyped++;
      out.push({
        zone: out.length,
        crs: layer.crs,
        layer,
        zoneId: textOf(f.attributes, m.zone_id) ?? `${layer.name}#${f.index + 1}`,
        zoneName: textOf(f.attributes, m.zone_name),
        zoneType,
        geometry: f.geometry,
        bbox: multiPolygonBBox(f.geometry),
      });
    }
    if (empty.length > 0) {
      warnings.push(`${layer.source}: ${empty.length} zone feature(s) without geometry (null shapes), left out: #${empty.slice(0, 10).join(', #')}${empty.length > 10 ? ', …' : ''}`);
    }
    if (untyped > 0) {
      warnings.push(
        `${layer.source}: zone type unknown for ${untyped} feature(s): no zone_type field ` +
        `(类型 / zone_type) and the file name names neither 红线/redline nor 保护区/nature_reserve`,
      );
    }
  });
  return out;
}
