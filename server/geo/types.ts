/**
 * Geometry as flat coordinate arrays, the way shapefiles and GEOS think of it.
 * A ring is [x0, y0, x1, y1, …] and closed (its last point repeats its first).
 * A polygon is its exterior ring followed by its holes; a multipolygon a list of polygons.
 * Coordinates are in whatever CRS the owning layer says (easting/longitude first).
 */
export type Ring = Float64Array;
export type Polygon = Ring[];
export type MultiPolygon = Polygon[];

/** [minX, minY, maxX, maxY] */
export type BBox = [number, number, number, number];

export type AttributeValue = string | number | boolean | null;
export type Attributes = Record<string, AttributeValue>;
