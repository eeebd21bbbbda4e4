/**
 * The two CRSs of the generated county: CGCS2000 lon/lat (EPSG:4490) for the zone layers, as
 * provinces distribute them, and the 3° Gauss-Krüger zone 39 with the zone number prefixed to
 * the easting (EPSG:4527, CM 117°E) for licences, as certificates give corner points.
 */
import gdal from 'gdal-async';

export const GEOGRAPHIC_EPSG = 4490;
export const GK_EPSG = 4527;

// gdal-async's fromEPSG follows the authority axis order (lat/lon for 4490, northing/easting for
// 4527) and exposes no per-object axis mapping. The config option below gives x = east, and it
// is captured when an SRS is constructed, so it is set only while ours are made: tests import
// this module into the same process as the product's GDAL code, which must see GDAL's default.
const previous = gdal.config.get('OSR_DEFAULT_AXIS_MAPPING_STRATEGY');
gdal.config.set('OSR_DEFAULT_AXIS_MAPPING_STRATEGY', 'TRADITIONAL_GIS_ORDER');
export const srsGeographic = gdal.SpatialReference.fromEPSG(GEOGRAPHIC_EPSG);
export const srsGK = gdal.SpatialReference.fromEPSG(GK_EPSG);
export const toGeographic = new gdal.CoordinateTransformation(srsGK, srsGeographic);
export const toGK = new gdal.CoordinateTransformation(srsGeographic, srsGK);
gdal.config.set('OSR_DEFAULT_AXIS_MAPPING_STRATEGY', previous);

export function lonLatToGK(lon: number, lat: number): [number, number] {
  const p = toGK.transformPoint(lon, lat);
  return [p.x, p.y];
}
