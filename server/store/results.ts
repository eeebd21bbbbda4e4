/**
 * Screening results in the SQLite store: `screening_results` (the columns of screening.csv),
 * `zone_overlaps`, `reserve_results` and the `exit_ranges` feature table. A run's result is
 * written in one transaction that also marks the run done, so a run is either done with its
 * whole result or has none of it.
 */
import type { GaussKruger } from '../geo/crs-types.ts';
import { multiPolygonToWkb, wkbToMultiPolygon } from '../geo/wkb.ts';
import type { ScreeningRow } from '../io/screening-out.ts';
import type { ZoneType } from '../screening/fields.ts';
import type { LicenceResult, ScreeningResult, Status } from '../screening/types.ts';
import { LONLAT_SRS, multiPolygonBlob, now, parseBlob, touchContents } from './gpkg.ts';
import { getRun, runRow, SYSTEM } from './runs.ts';
import { jsonText, likeText, parseJson, writeAudit, type Db } from './sql.ts';
import { StoreError, type ExitRange, type Page, type ResultQuery, type Run } from './store.ts';

/** What a LicenceResult holds beyond the screening.csv columns, kept to rebuild it exactly. */
interface Detail {
  zoneIds: string[];
  warnings: string[];
  plane: GaussKruger;
}

/** What a ScreeningResult holds beyond its licences and blocks. */
type ResultMeta = Omit<ScreeningResult, 'licences' | 'blocks'>;

export function finishRun(db: Db, runId: number, result: ScreeningResult): Run {
  db.transaction(() => {
    const run = runRow(db, runId);
    if (run.status !== 'running') throw new StoreError('conflict', `run ${runId} is ${run.status}, not running`);
    const division = run.division_code;
    const row = db.prepare(
      `INSERT INTO screening_results (run_id, seq, division_code, licence_id, name, status, licence_area_plane_m2,
         licence_area_ellipsoidal_m2, exit_area_plane_m2, exit_area_ellipsoidal_m2, exit_ratio, remaining_parts, zone_ids,
         warnings, remaining_range, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const zone = db.prepare(
      `INSERT INTO zone_overlaps (run_id, seq, licence_id, zone_id, zone_name, zone_type, overlap_area_plane_m2, overlap_area_ellipsoidal_m2)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const exit = db.prepare(
      `INSERT INTO exit_ranges (geom, run_id, seq, division_code, licence_id, name, status, exit_area_ellipsoidal_m2, exit_ratio)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const counts: Partial<Record<Status, number>> = {};
    result.licences.forEach((l, seq) => {
      counts[l.status] = (counts[l.status] ?? 0) + 1;
      const detail: Detail = { zoneIds: l.zoneIds, warnings: l.warnings, plane: l.plane };
      // the display columns are screening.csv's (screeningRow's) joins
      row.run(runId, seq, division, l.licenceId, l.name, l.status, l.licenceAreaPlane, l.licenceAreaEllipsoidal, l.exitAreaPlane,
        l.exitAreaEllipsoidal, l.exitRatio, l.remainingParts, l.zoneIds.join(';'), l.warnings.join(' | '),
        l.remainingRangeLonLat === null ? null : multiPolygonToWkb(l.remainingRangeLonLat), jsonText(detail));
      for (const z of l.zones) zone.run(runId, seq, l.licenceId, z.zoneId, z.zoneName, z.zoneType, z.areaPlane, z.areaEllipsoidal);
      const geom = multiPolygonBlob(l.exitRangeLonLat, LONLAT_SRS);
      if (geom) exit.run(geom, runId, seq, division, l.licenceId, l.name, l.status, l.exitAreaEllipsoidal, l.exitRatio);
    });
    const block = db.prepare(
      `INSERT INTO reserve_results (run_id, licence_id, block_id, category, block_area_plane_m2, ore_t, metal_t, exit_fraction,
         exit_ore_t, exit_metal_t, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const b of result.blocks) {
      block.run(runId, b.licenceId, b.blockId, b.category, b.blockAreaPlane, b.oreT, b.metalT, b.exitFraction, b.exitOreT, b.exitMetalT, b.note);
    }
    const { licences: _l, blocks: _b, ...meta } = result;
    const summary = { counts, warnings: result.warnings, zoneTypes: result.zoneTypes };
    const n = result.licences.length;
    db.prepare(
      "UPDATE runs SET status = 'done', summary = ?, result_meta = ?, progress_done = ?, progress_total = ?, finished_at = ?, message = NULL WHERE id = ?",
    ).run(jsonText(summary), jsonText(meta), n, n, now(), runId);
    touchContents(db, 'exit_ranges');
    writeAudit(db, SYSTEM, 'run.done', `run:${runId}`, { status: run.status }, { status: 'done', licences: n, counts });
  }).immediate();
  return getRun(db, runId) as Run;
}

const COLUMNS = `licence_id, coalesce(name, '') AS name, status, licence_area_plane_m2, licence_area_ellipsoidal_m2, exit_area_plane_m2,
  exit_area_ellipsoidal_m2, exit_ratio, remaining_parts, zone_ids, warnings`;

const STATUSES: readonly Status[] = ['none', 'touch', 'sliver', 'partial', 'whole'];

export function queryResults(db: Db, runId: number, q: ResultQuery = {}): Page<ScreeningRow> {
  runRow(db, runId);
  const where = ['r.run_id = ?'];
  const params: (string | number)[] = [runId];
  if (q.status !== undefined) {
    const bad = q.status.find((s) => !STATUSES.includes(s));
    if (bad !== undefined) throw new StoreError('invalid', `unknown status "${bad}" (${STATUSES.join(', ')})`);
    where.push(q.status.length === 0 ? '0' : `r.status IN (${q.status.map(() => '?').join(', ')})`);
    params.push(...q.status);
  }
  if (q.minExitRatio !== undefined) {
    where.push('r.exit_ratio >= ?');
    params.push(q.minExitRatio);
  }
  if (q.maxExitRatio !== undefined) {
    where.push('r.exit_ratio <= ?');
    params.push(q.maxExitRatio);
  }
  if (q.zoneId !== undefined) {
    where.push('EXISTS (SELECT 1 FROM zone_overlaps z WHERE z.run_id = r.run_id AND z.seq = r.seq AND z.zone_id = ?)');
    params.push(q.zoneId);
  }
  if (q.text !== undefined && q.text.trim() !== '') {
    where.push("(r.licence_id LIKE ? ESCAPE '\\' OR r.name LIKE ? ESCAPE '\\')");
    params.push(likeText(q.text.trim()), likeText(q.text.trim()));
  }
  const limit = q.limit ?? 100;
  const offset = q.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new StoreError('invalid', `limit ${limit}: between 1 and 10000`);
  if (!Number.isInteger(offset) || offset < 0) throw new StoreError('invalid', `offset ${offset}: a whole number ≥ 0`);
  const from = `FROM screening_results r WHERE ${where.join(' AND ')}`;
  const total = db.prepare(`SELECT count(*) ${from}`).pluck().get(...params) as number;
  const items = db.prepare(`SELECT ${COLUMNS} ${from} ORDER BY r.seq LIMIT ? OFFSET ?`).all(...params, limit, offset) as ScreeningRow[];
  return { total, items };
}

interface ResultRow {
  seq: number; licence_id: string; name: string | null; status: Status; licence_area_plane_m2: number;
  licence_area_ellipsoidal_m2: number; exit_area_plane_m2: number; exit_area_ellipsoidal_m2: number; exit_ratio: number;
  remaining_parts: number; remaining_range: Buffer | null; detail: string;
}

interface ZoneRow {
  seq: number; zone_id: string; zone_name: string | null; zone_type: ZoneType | null;
  overlap_area_plane_m2: number; overlap_area_ellipsoidal_m2: number;
}

/** The result of a done run as the screening returned it (exitRangeJson aside); null before. */
export function readResult(db: Db, runId: number): ScreeningResult | null {
  const run = runRow(db, runId);
  if (run.status !== 'done') return null;
  const meta = parseJson<ResultMeta>(db.prepare('SELECT result_meta FROM runs WHERE id = ?').pluck().get(runId) as string);
  const zones = new Map<number, ZoneRow[]>();
  for (const z of db.prepare('SELECT * FROM zone_overlaps WHERE run_id = ? ORDER BY id').all(runId) as ZoneRow[]) {
    zones.set(z.seq, [...(zones.get(z.seq) ?? []), z]);
  }
  const exits = new Map<number, Buffer>();
  for (const e of db.prepare('SELECT seq, geom FROM exit_ranges WHERE run_id = ?').all(runId) as { seq: number; geom: Buffer }[]) {
    exits.set(e.seq, e.geom);
  }
  const rows = db.prepare('SELECT * FROM screening_results WHERE run_id = ? ORDER BY seq').all(runId) as ResultRow[];
  const licences = rows.map((r): LicenceResult => {
    const d = parseJson<Detail>(r.detail);
    const exit = exits.get(r.seq);
    return {
      licenceId: r.licence_id, name: r.name, status: r.status,
      licenceAreaPlane: r.licence_area_plane_m2, licenceAreaEllipsoidal: r.licence_area_ellipsoidal_m2,
      exitAreaPlane: r.exit_area_plane_m2, exitAreaEllipsoidal: r.exit_area_ellipsoidal_m2, exitRatio: r.exit_ratio,
      remainingParts: r.remaining_parts, zoneIds: d.zoneIds,
      zones: (zones.get(r.seq) ?? []).map((z) => ({
        zoneId: z.zone_id, zoneName: z.zone_name, zoneType: z.zone_type, areaPlane: z.overlap_area_plane_m2, areaEllipsoidal: z.overlap_area_ellipsoidal_m2,
      })),
      warnings: d.warnings,
      exitRangeLonLat: exit ? wkbToMultiPolygon(parseBlob(exit).wkb) : [],
      exitRangeJson: null,
      remainingRangeLonLat: r.remaining_range === null ? null : wkbToMultiPolygon(r.remaining_range),
      remainingRangeJson: null,
      plane: d.plane,
    };
  });
  const blocks = (db.prepare('SELECT * FROM reserve_results WHERE run_id = ? ORDER BY id').all(runId) as {
    licence_id: string; block_id: string; category: string | null; block_area_plane_m2: number; ore_t: number | null;
    metal_t: number | null; exit_fraction: number; exit_ore_t: number | null; exit_metal_t: number | null; note: string | null;
  }[]).map((b) => ({
    licenceId: b.licence_id, blockId: b.block_id, category: b.category, blockAreaPlane: b.block_area_plane_m2, oreT: b.ore_t,
    metalT: b.metal_t, exitFraction: b.exit_fraction, exitOreT: b.exit_ore_t, exitMetalT: b.exit_metal_t, note: b.note,
  }));
  return { ...meta, licences, blocks };
}

export function exitRanges(db: Db, runId: number): ExitRange[] {
  runRow(db, runId);
  const rows = db.prepare(
    'SELECT licence_id, name, status, exit_area_ellipsoidal_m2, exit_ratio, geom FROM exit_ranges WHERE run_id = ? ORDER BY seq',
  ).all(runId) as { licence_id: string; name: string | null; status: Status; exit_area_ellipsoidal_m2: number; exit_ratio: number; geom: Buffer }[];
  return rows.map((r) => ({
    licenceId: r.licence_id, name: r.name, status: r.status, exitAreaEllipsoidal: r.exit_area_ellipsoidal_m2,
    exitRatio: r.exit_ratio, geometry: wkbToMultiPolygon(parseBlob(r.geom).wkb),
  }));
}
