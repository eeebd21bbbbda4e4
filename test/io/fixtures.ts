/**
 * Test fixtures written by GDAL itself (ogr2ogr), into a fresh temp dir per test file, so that the
 * readers are checked against the bytes real tools produce rather than against our own idea of
 * the formats. Deliberately broken files are derived from such real files (truncation, patched
 * bytes); the helpers for that are here too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Position = [number, number] | [number, number, number];
export type GeoJsonGeometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] };
export interface SourceFeature {
  properties: Record<string, string | number | boolean | null>;
  geometry: GeoJsonGeometry | null;
}

export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `redline-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A square ring [x0, y0]–[x0+size, y0+size], counter-clockwise (RFC 7946 exterior winding). */
export function square(x0: number, y0: number, size: number): Position[] {
  return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]];
}

/** Writes the source GeoJSON a fixture is converted from (input to ogr2ogr, not to our reader). */
export function writeSource(dir: string, name: string, features: SourceFeature[]): string {
  const path = join(dir, `${name}.src.geojson`);
  const fc = { type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) };
  writeFileSync(path, JSON.stringify(fc));
  return path;
}

export function ogr2ogr(args: string[]): void {
  execFileSync('ogr2ogr', args, { stdio: 'pipe' });
}

/** A shapefile written by ogr2ogr; returns the .shp path. */
export function shapefile(dir: string, name: string, features: SourceFeature[], lco: string[] = [], extra: string[] = []): string {
  const src = writeSource(dir, name, features);
  const out = join(dir, `${name}.shp`);
  ogr2ogr(['-f', 'ESRI Shapefile', ...lco.flatMap((o) => ['-lco', o]), ...extra, out, src]);
  return out;
}

/** A GeoJSON file written by ogr2ogr (GDAL's own GeoJSON writer). */
export function geojson(dir: string, name: string, features: SourceFeature[], args: string[] = []): string {
  const src = writeSource(dir, name, features);
  const out = join(dir, `${name}.geojson`);
  ogr2ogr(['-f', 'GeoJSON', ...args, out, src]);
  return out;
}

/** Rewrites bytes of a file in place (for deliberately damaged derivatives of real files). */
export function patchFile(path: string, patch: (buf: Buffer) => Buffer | void): void {
  const buf = readFileSync(path);
  const out = patch(buf) ?? buf;
  writeFileSync(path, out);
}

/** Byte offset of the point array of record `i` of a polygon .shp (via its .shx). */
export function polygonRecord(shp: Buffer, shx: Buffer, i: number): { content: number; numParts: number; numPoints: number; points: number } {
  const offset = shx.readInt32BE(100 + i * 8) * 2;
  const content = offset + 8;
  const numParts = shp.readInt32LE(content + 36);
  const numPoints = shp.readInt32LE(content + 40);
  return { content, numParts, numPoints, points: content + 44 + 4 * numParts };
}

/** Chinese test strings: GBK-encodable, and not valid UTF-8 once encoded in GBK. */
export const NAMES = {
  mine: '某某铁矿',
  redline: '生态保护红线',
  reserve: '自然保护区核心区',
} as const;
