/**
 * Reference exit areas from PostGIS: per licence, the plane area of the union of its
 * intersections with every zone of the given tables (all tables in the licences' CRS, loaded by
 * postgis.ts). Invalid licences (the bowtie) go through ST_MakeValid first, as the product does.
 *
 *  - usual: what a competent PostGIS user writes: GiST-indexed ST_Intersects join,
 *    ST_Intersection, ST_Union of the pieces per licence, ST_Area.
 *  - expert: the same against zones ST_Subdivide'd to ≤ 256 vertices first (each intersection
 *    then touches a few small pieces instead of a 10⁵-vertex polygon). The subdivision is a
 *    one-off preparation and is timed on its own.
 */
import type { Pg } from './postgis.ts';

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export interface ExitSqlOptions {
  licences: string;
  /** the licence number column */
  idColumn: string;
}

function exitSql(o: ExitSqlOptions, zoneTables: string[]): string {
  const pieces = zoneTables
    .map(
      (t) => `SELECT l.fid, ST_CollectionExtract(ST_Intersection(l.geom, z.geom), 3) AS g
    FROM lic l JOIN ${ident(t)} z ON ST_Intersects(l.geom, z.geom)`,
    )
    .join('\n  UNION ALL\n  ');
  return `WITH lic AS MATERIALIZED (
  SELECT fid, ${ident(o.idColumn)} AS id,
         CASE WHEN ST_IsValid(geom) THEN geom ELSE ST_MakeValid(geom) END AS geom
  FROM ${ident(o.licences)}
), pieces AS (
  ${pieces}
)
SELECT l.id, COALESCE(ST_Area(ST_Union(p.g)), 0)
FROM lic l LEFT JOIN pieces p ON p.fid = l.fid
GROUP BY l.fid, l.id
ORDER BY l.fid;`;
}

export function usualExitSql(o: ExitSqlOptions, zoneTables: string[]): string {
  return exitSql(o, zoneTables);
}

export const SUBDIVIDED = 'zones_subdivided';

export function subdivideSql(zoneTables: string[], maxVertices = 256): string {
  const parts = zoneTables.map((t) => `SELECT ST_Subdivide(geom, ${maxVertices}) AS geom FROM ${ident(t)}`);
  return `DROP TABLE IF EXISTS ${SUBDIVIDED};
CREATE TABLE ${SUBDIVIDED} AS ${parts.join(' UNION ALL ')};
CREATE INDEX ON ${SUBDIVIDED} USING gist (geom);
ANALYZE ${SUBDIVIDED};`;
}

export function expertExitSql(o: ExitSqlOptions): string {
  return exitSql(o, [SUBDIVIDED]);
}

export interface ReferenceRun {
  /** licence number → exit area, m² */
  areas: Map<string, number>;
  total: number;
  seconds: number;
  peakRssMb: number;
}

function collect(rows: string[][]): { areas: Map<string, number>; total: number } {
  const areas = new Map<string, number>();
  let total = 0;
  for (const [id, a] of rows) {
    const v = Number(a);
    areas.set(id, (areas.get(id) ?? 0) + v);
    total += v;
  }
  return { areas, total };
}

export async function usualExitAreas(pg: Pg, o: ExitSqlOptions, zoneTables: string[]): Promise<ReferenceRun> {
  const r = await pg.measure(usualExitSql(o, zoneTables));
  return { ...collect(r.rows), seconds: r.seconds, peakRssMb: r.peakRssMb };
}

export async function expertExitAreas(
  pg: Pg, o: ExitSqlOptions, zoneTables: string[],
): Promise<ReferenceRun & { subdivideSeconds: number; pieces: number }> {
  const sub = await pg.measure(subdivideSql(zoneTables));
  const [[pieces]] = await pg.query(`SELECT count(*) FROM ${SUBDIVIDED};`);
  const r = await pg.measure(expertExitSql(o));
  return { ...collect(r.rows), seconds: r.seconds, peakRssMb: r.peakRssMb, subdivideSeconds: sub.seconds, pieces: Number(pieces) };
}
