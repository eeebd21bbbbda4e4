/**
 * Building blocks of the broken-input corpus: real files written by GDAL's ogr2ogr (with the
 * dates GDAL would stamp fixed, so that a rerun writes the same bytes), shapefile parts read into
 * buffers, and the precise damage done to them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CorpusCase } from './broken-manifest.ts';

/** A county in CGCS2000 3° zone 39 (EPSG:4527): eastings carry the zone number. */
export const E = 39_500_000;
export const N = 4_480_000;

export type Pos = [number, number] | [number, number, number];
export interface SrcGeometry {
  type: 'Polygon' | 'MultiPolygon' | 'Point' | 'LineString' | 'MultiLineString';
  coordinates: unknown;
}
export interface SrcFeature {
  properties: Record<string, string | number | null>;
  geometry: SrcGeometry | null;
}

/** A rectangle ring, counter-clockwise (RFC 7946 exterior winding; GDAL rewinds for shapefiles). */
export function rect(x: number, y: number, w: number, h = w): Pos[] {
  return [[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]];
}

export function polygon(...rings: Pos[][]): SrcGeometry {
  return { type: 'Polygon', coordinates: rings };
}

/**
 * The licences most cases start from: three mining rights with GBK names, the first with a
 * hole (two parts in its shapefile record), areas 4 000 000 − 250 000, 1 000 000 and 250 000 m².
 */
export const LICENCES: SrcFeature[] = [
  { properties: { 许可证号: 'C1300002011', 矿山名称: '某某铁矿', 面积: 3.75 }, geometry: polygon(rect(E, N, 2000), rect(E + 500, N + 500, 500).reverse()) },
  { properties: { 许可证号: 'C1300002012', 矿山名称: '乙铁矿', 面积: 1 }, geometry: polygon(rect(E + 5000, N, 1000)) },
  { properties: { 许可证号: 'C1300002013', 矿山名称: '丙铜矿', 面积: 0.25 }, geometry: polygon(rect(E + 8000, N, 500)) },
];

export class Corpus {
  readonly cases: CorpusCase[] = [];
  private n = 0;
  constructor(readonly dir: string, readonly tmp: string) {}

  add(c: CorpusCase): void {
    const key = (o: CorpusCase): string => JSON.stringify([o.file, o.read ?? {}, o.crs]);
    if (this.cases.some((o) => key(o) === key(c))) throw new Error(`duplicate case ${key(c)}`);
    if (!existsSync(join(this.dir, c.file))) throw new Error(`case ${c.file}: the file was not written`);
    this.cases.push(c);
  }

  /** Writes a corpus file (relative path), creating its folder. */
  write(file: string, data: Buffer | string): void {
    const p = join(this.dir, file);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }

  /** A fresh scratch folder for one ogr2ogr run. */
  scratch(): string {
    const d = join(this.tmp, String(++this.n));
    mkdirSync(d, { recursive: true });
    return d;
  }
}

export function ogr2ogr(args: string[]): void {
  execFileSync('ogr2ogr', ['--config', 'OGR_CURRENT_DATE', '2024-01-01T00:00:00Z', ...args], { stdio: 'pipe' });
}

/** The source GeoJSON of a conversion (input to ogr2ogr, not part of the corpus). */
export function source(dir: string, features: SrcFeature[], name = 'src'): string {
  const p = join(dir, `${name}.geojson`);
  writeFileSync(p, JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) }));
  return p;
}

/** One file converted by ogr2ogr; returns its bytes. */
export function convert(corpus: Corpus, features: SrcFeature[], out: string, args: string[]): Buffer {
  const dir = corpus.scratch();
  const p = join(dir, out);
  ogr2ogr([...args, p, source(dir, features)]);
  return readFileSync(p);
}

export interface ShpSet {
  shp: Buffer;
  shx: Buffer;
  dbf: Buffer;
  prj?: Buffer;
  cpg?: Buffer;
}

export interface ShapefileOptions {
  srs?: string;
  encoding?: 'CP936' | 'UTF-8';
  lco?: string[];
}

/** A shapefile written by ogr2ogr, GBK (CP936) unless told otherwise, as buffers. */
export function shapefile(corpus: Corpus, features: SrcFeature[], o: ShapefileOptions = {}): ShpSet {
  const dir = corpus.scratch();
  const shp = join(dir, 'out.shp');
  ogr2ogr([
    '-f', 'ESRI Shapefile', '-a_srs', o.srs ?? 'EPSG:4527',
    '-lco', `ENCODING=${o.encoding ?? 'CP936'}`, '-lco', 'DBF_DATE_LAST_UPDATE=2024-01-01',
    ...(o.lco ?? []).flatMap((l) => ['-lco', l]), shp, source(dir, features),
  ]);
  const part = (ext: string): Buffer | undefined => {
    const p = join(dir, `out.${ext}`);
    return existsSync(p) ? readFileSync(p) : undefined;
  };
  return { shp: part('shp') as Buffer, shx: part('shx') as Buffer, dbf: part('dbf') as Buffer, prj: part('prj'), cpg: part('cpg') };
}

/** Writes the parts of a shapefile as `<stem>.<ext>` (stem relative to the corpus); undefined parts are left out. */
export function putShapefile(corpus: Corpus, stem: string, set: Partial<ShpSet>, upper = false): string {
  for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg'] as const) {
    const data = set[ext];
    if (data) corpus.write(`${stem}.${upper ? ext.toUpperCase() : ext}`, data);
  }
  return `${stem}.${upper ? 'SHP' : 'shp'}`;
}

/** Where record `i` of a .shp is, by its .shx. */
export function record(set: ShpSet, i: number): { offset: number; content: number; length: number } {
  const offset = set.shx.readInt32BE(100 + i * 8) * 2;
  return { offset, content: offset + 8, length: set.shp.readInt32BE(offset + 4) * 2 };
}

/** Polygon record `i`: its part count, point count, part index array and point array offsets. */
export function polygonRecord(set: ShpSet, i: number): { content: number; numParts: number; numPoints: number; parts: number; points: number } {
  const { content } = record(set, i);
  const numParts = set.shp.readInt32LE(content + 36);
  const numPoints = set.shp.readInt32LE(content + 40);
  return { content, numParts, numPoints, parts: content + 44, points: content + 44 + 4 * numParts };
}

/** A copy of the set with its .shp changed by `patch` (the other parts shared). */
export function withShp(set: ShpSet, patch: (shp: Buffer) => Buffer | void): ShpSet {
  const shp = Buffer.from(set.shp);
  return { ...set, shp: patch(shp) ?? shp };
}

export function withDbf(set: ShpSet, patch: (dbf: Buffer) => Buffer | void): ShpSet {
  const dbf = Buffer.from(set.dbf);
  return { ...set, dbf: patch(dbf) ?? dbf };
}

/** The DBF layout: header size, record size, record count. */
export function dbfLayout(dbf: Buffer): { count: number; header: number; size: number } {
  return { count: dbf.readUInt32LE(4), header: dbf.readUInt16LE(8), size: dbf.readUInt16LE(10) };
}

/** WKT of a CRS, as GDAL writes it into a .prj. */
export function prjOf(corpus: Corpus, srs: string): Buffer {
  const set = shapefile(corpus, [LICENCES[2]], { srs });
  if (!set.prj) throw new Error(`no .prj for ${srs}`);
  return set.prj;
}
