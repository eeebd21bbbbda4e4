import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Geometry as GdalGeometry } from 'gdal-async';
import { ellipsoidalArea, planeArea } from './area.ts';
import type { GaussKruger } from './crs-types.ts';
import { boxesIntersect, multiPolygonBBox } from './bbox.ts';
import type { MultiPolygon, Polygon } from './types.ts';
import { multiPolygonToWkb, wkbToMultiPolygon } from './wkb.ts';

/**
 * The exact overlay of one licence with the zone pieces near it, in GEOS (through gdal-async).
 * Everything here is in the licence's analysis plane. The function is pure apart from GEOS, so
 * it runs the same in-process and in the worker processes.
 */

// gdal-async is a native addon that loads once per process (not per worker thread): require it
// lazily so that modules importing types from here stay cheap.
const require = createRequire(import.meta.url);
type Gdal = typeof import('gdal-async');
let gdalModule: Gdal | null = null;
function gdal(): Gdal {
  gdalModule ??= loadGdal();
  return gdalModule;
}

/**
 * The overlay needs only the native binding's geometry classes. gdal-async's JavaScript front
 * finds the binary through node-pre-gyp and sets up datasets, streams and promises: 65 ms more
 * for every overlay worker. The binding is the same module object the front then extends (one
 * require cache), so loading the rest later elsewhere in the process still works.
 */
function loadGdal(): Gdal {
  const dir = dirname(require.resolve('gdal-async/package.json'));
  const binary = join(dir, 'lib', 'binding', `node-v${process.versions.modules}-${process.platform}-${process.arch}`, 'gdal.node');
  if (!existsSync(binary)) return require('gdal-async') as Gdal;
  const binding = require(binary) as Gdal;
  // as the front does: GDAL's own error printing off (errors still reach us as exceptions)
  binding.quiet();
  return binding;
}

/** Loads GDAL/GEOS now rather than at the first overlay (worker processes warm up with it). */
export function loadGeos(): void {
  gdal();
}

export interface OverlayTask {
  /** the caller's index of the licence */
  id: number;
  plane: GaussKruger;
  licence: MultiPolygon;
  /**
   * zone features near the licence, already clipped to its neighbourhood; `covers` when the
   * zone covers that whole neighbourhood, so the overlay is the licence itself
   */
  zones: { zone: number; pieces: MultiPolygon; covers: boolean }[];
  /** reserve blocks of the licence, for the share of each under the exit range */
  blocks: { block: number; geometry: MultiPolygon }[];
  sliverM2: number;
}

export interface ZoneOverlap {
  zone: number;
  areaPlane: number;
  areaEllipsoidal: number;
}

export interface BlockOverlap {
  block: number;
  areaPlane: number;
  exitAreaPlane: number;
}

export interface OverlayResult {
  id: number;
  licenceAreaPlane: number;
  licenceAreaEllipsoidal: number;
  exitAreaPlane: number;
  exitAreaEllipsoidal: number;
  remainingAreaPlane: number;
  /** parts of licence − zones of at least the sliver size */
  remainingParts: number;
  /** the licence and some zone share at least a point */
  contact: boolean;
  zones: ZoneOverlap[];
  blocks: BlockOverlap[];
  /** licence ∩ union(zones), in the plane */
  exitRange: MultiPolygon;
  /**
   * licence − union(zones), its parts of at least the sliver size, in the plane; null when no
   * zone takes area from the licence (what remains is the licence as it is)
   */
  remainingRange: MultiPolygon | null;
  warnings: string[];
}

function fromMultiPolygon(mp: MultiPolygon): GdalGeometry {
  return gdal().Geometry.fromWKB(multiPolygonToWkb(mp));
}

function toMultiPolygon(g: GdalGeometry): MultiPolygon {
  return g.isEmpty() ? [] : wkbToMultiPolygon(g.toWKB());
}

/**
 * Area of a GEOS result. Intersections can come back as points or lines (a touch), which have
 * no getArea in gdal-async, or as collections; those are measured through their polygons.
 */
function areaOf(g: GdalGeometry): number {
  if (g.isEmpty()) return 0;
  const measurable = g as unknown as { getArea?: () => number };
  return typeof measurable.getArea === 'function' ? measurable.getArea() : planeArea(toMultiPolygon(g));
}

/** Makes an invalid polygon valid (GEOS MakeValid) and keeps only its polygonal part. */
function repair(g: GdalGeometry): GdalGeometry {
  return fromMultiPolygon(toMultiPolygon(g.makeValid()));
}

/**
 * Intersection that survives a topology exception on a dirty zone piece: retried once with the
 * piece repaired, and the repair reported, so the area is never silently wrong.
 */
function intersect(a: GdalGeometry, b: GdalGeometry, warnings: string[], what: string): { result: GdalGeometry; b: GdalGeometry } {
  try {
    return { result: a.intersection(b), b };
  } catch (err) {
    warnings.push(`${what}: geometry invalid near the licence (${(err as Error).message}); repaired with MakeValid`);
    const repaired = repair(b);
    return { result: a.intersection(repaired), b: repaired };
  }
}

/**
 * Overlaps below 1 cm² are numerical noise, not area: a licence drawn on a zone's boundary meets
 * it along kilometres, and projections that agree to nanometres (ours and PROJ's) leave
 * overlaps of 1e-7 m² there. They count as contact without area, as a touch.
 */
export const AREA_NOISE_M2 = 1e-4;

export function overlayLicence(task: OverlayTask): OverlayResult {
  const warnings: string[] = [];
  let licence = fromMultiPolygon(task.licence);
  let licenceMp = task.licence;
  if (!licence.isValid()) {
    const before = planeArea(task.licence);
    licence = repair(licence);
    licenceMp = toMultiPolygon(licence);
    const after = planeArea(licenceMp);
    warnings.push(
      `licence geometry is invalid (self-intersecting or badly nested rings); repaired with MakeValid: ` +
      `plane area ${before.toFixed(2)} m² as drawn (shoelace) → ${after.toFixed(2)} m² repaired`,
    );
  }
  const licenceAreaPlane = planeArea(licenceMp);
  const licenceAreaEllipsoidal = ellipsoidalArea(licenceMp, task.plane);

  const zones: ZoneOverlap[] = [];
  /** each overlapping zone's part of the licence, for its ellipsoidal area */
  const parts: (GdalGeometry | null)[] = [];
  /** the zone pieces that overlap the licence, for what remains of it */
  const overlapping: GdalGeometry[] = [];
  let exit: GdalGeometry | null = null;
  let contact = false;
  for (const { zone, pieces, covers } of task.zones) {
    if (covers) {
      // the zone covers the licence's whole box: no need to ask GEOS
      contact = true;
      zones.push({ zone, areaPlane: licenceAreaPlane, areaEllipsoidal: licenceAreaEllipsoidal });
      parts.push(null);
      exit = licence;
      continue;
    }
    const { result: part, b: zoneGeom } = intersect(licence, fromMultiPolygon(pieces), warnings, `zone #${zone}`);
    const area = areaOf(part);
    if (area > AREA_NOISE_M2) {
      contact = true;
      overlapping.push(zoneGeom);
      zones.push({ zone, areaPlane: area, areaEllipsoidal: NaN });
      parts.push(part);
      exit = exit === null ? part : exit === licence ? exit : exit.union(part);
    } else if (!contact && (area > 0 || licence.intersects(zoneGeom))) {
      contact = true;
    }
  }

  const exitRange = exit === licence ? licenceMp : exit ? toMultiPolygon(exit) : [];
  const exitAreaPlane = exit === licence ? licenceAreaPlane : planeArea(exitRange);
  const exitAreaEllipsoidal = exit === licence ? licenceAreaEllipsoidal : exit ? ellipsoidalArea(exitRange, task.plane) : 0;
  // a lone zone's part is the exit range, already measured
  zones.forEach((z, i) => {
    const part = parts[i];
    if (part) z.areaEllipsoidal = zones.length === 1 ? exitAreaEllipsoidal : ellipsoidalArea(toMultiPolygon(part), task.plane);
  });

  const isPart = (p: Polygon): boolean => planeArea([p]) >= task.sliverM2;
  let remainingParts = licenceMp.filter(isPart).length;
  let remainingAreaPlane = licenceAreaPlane - exitAreaPlane;
  let remainingRange: MultiPolygon | null = null;
  if (remainingAreaPlane < Math.max(task.sliverM2, AREA_NOISE_M2)) {
    // a whole exit: nothing of the sliver size remains, no difference to compute
    remainingParts = 0;
    remainingRange = [];
  } else if (exit) {
    // Subtract the zones themselves, not the exit range: the exit's vertices where a zone
    // crosses the licence edge are rounded, and licence − exit can keep a crack 1e-10 m wide
    // along the edge that joins parts the zone really separates.
    let rest = licence;
    for (const z of overlapping) rest = rest.difference(z);
    const remaining = toMultiPolygon(rest);
    remainingAreaPlane = planeArea(remaining);
    remainingRange = remaining.filter(isPart);
    remainingParts = remainingRange.length;
  }

  // Blocks wholly outside the exit range's box are settled without GEOS: a county has
  // thousands of them, and each GEOS call through gdal-async costs tens of microseconds.
  const exitBox = exit ? multiPolygonBBox(exitRange) : null;
  const blocks: BlockOverlap[] = task.blocks.map(({ block, geometry }) => {
    const areaPlane = planeArea(geometry);
    if (!exit || !boxesIntersect(multiPolygonBBox(geometry), exitBox!)) return { block, areaPlane, exitAreaPlane: 0 };
    const under = intersect(exit, fromMultiPolygon(geometry), warnings, `reserve block #${block}`).result;
    return { block, areaPlane, exitAreaPlane: areaOf(under) };
  });

  return {
    id: task.id,
    licenceAreaPlane,
    licenceAreaEllipsoidal,
    exitAreaPlane,
    exitAreaEllipsoidal,
    remainingAreaPlane,
    remainingParts,
    contact,
    zones,
    blocks,
    exitRange,
    remainingRange,
    warnings,
  };
}
