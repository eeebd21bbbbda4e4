/**
 * The schema of the store, as ordered migrations. Each step runs once, in its own IMMEDIATE
 * transaction together with its row in `schema_migrations`, so a crash in the middle of an
 * upgrade leaves the file at the previous version and the next start runs the step again;
 * opening an up-to-date file runs nothing. A later release appends steps here and never edits
 * one that has shipped (files in the field have already run it).
 *
 * Column types are the GeoPackage ones (INTEGER, DOUBLE, TEXT, BLOB, BOOLEAN, DATETIME,
 * geometry names), so GDAL, QGIS and ArcGIS read every registered table without complaint.
 * Times are ISO 8601 UTC text, as the spec's DATETIME wants.
 */
import type { Database } from 'better-sqlite3';
import {
  GPKG_APPLICATION_ID, GPKG_USER_VERSION, LONLAT_SRS, UNDEFINED_SRS, createFeatureTable, epsgSrs, insertSrs, now,
  registerAttributes,
} from './gpkg.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** Columns every dataset feature table has: which dataset, which feature, and the source. */
const FEATURE_BASE = `
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  feature_index INTEGER NOT NULL,
  division_code TEXT NOT NULL,
  attributes TEXT NOT NULL,
  repairs TEXT,
  geom_src BLOB`;

/** The steps, oldest first. The descriptions given to gpkg_contents are what QGIS shows. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'GeoPackage 1.3 core',
    up(db) {
      db.pragma(`application_id = ${GPKG_APPLICATION_ID}`);
      db.pragma(`user_version = ${GPKG_USER_VERSION}`);
      db.exec(`
        CREATE TABLE gpkg_spatial_ref_sys (
          srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
          organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
        CREATE TABLE gpkg_contents (
          table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
          description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
          CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
        CREATE TABLE gpkg_geometry_columns (
          table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
          srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
          CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
          CONSTRAINT uk_gc_table_name UNIQUE (table_name),
          CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
          CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
        CREATE TABLE gpkg_extensions (
          table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
          CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
      `);
      for (const row of [...UNDEFINED_SRS, epsgSrs(4326), epsgSrs(LONLAT_SRS)]) insertSrs(db, row);
    },
  },
  {
    version: 2,
    name: 'datasets and their feature layers',
    up(db) {
      db.exec(`
        CREATE TABLE datasets (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('licences', 'zones', 'reserves', 'facilities')),
          name TEXT NOT NULL, division_code TEXT NOT NULL,
          epsg INTEGER, crs_confirmed BOOLEAN NOT NULL, swapped BOOLEAN NOT NULL,
          feature_count INTEGER NOT NULL,
          min_lon DOUBLE, min_lat DOUBLE, max_lon DOUBLE, max_lat DOUBLE,
          layer TEXT NOT NULL, report TEXT NOT NULL,
          created_at DATETIME NOT NULL, created_by TEXT NOT NULL);
        CREATE INDEX datasets_division ON datasets(division_code);
      `);
      registerAttributes(db, 'datasets', 'Imported layers: kind, CRS, validation report (JSON), who and when');
      const layers = [
        { table: 'licences', identifier: 'licences', description: 'Mineral-right licences (矿业权), all datasets', keys: 'licence_id TEXT, name TEXT' },
        { table: 'zones', identifier: 'zones', description: 'Protected zones (生态保护红线, 自然保护区), all datasets', keys: 'zone_id TEXT, zone_name TEXT, zone_type TEXT' },
        { table: 'reserve_blocks', identifier: 'reserve_blocks', description: 'Reserve blocks (储量块段), all datasets', keys: 'licence_id TEXT, block_id TEXT, category TEXT' },
      ];
      for (const l of layers) {
        createFeatureTable(db, { ...l, geometryType: 'MULTIPOLYGON', columns: `${l.keys}, ${FEATURE_BASE}` });
      }
      // facilities are points or polygons
      createFeatureTable(db, {
        table: 'facilities', identifier: 'facilities', description: 'Mining facilities (开采设施), all datasets',
        geometryType: 'GEOMETRY', columns: `licence_id TEXT, ${FEATURE_BASE}`,
      });
      for (const t of ['licences', 'zones', 'reserve_blocks', 'facilities']) {
        db.exec(`CREATE UNIQUE INDEX ${t}_feature ON ${t}(dataset_id, feature_index)`);
      }
      db.exec('CREATE INDEX licences_licence_id ON licences(licence_id)');
    },
  },
  {
    version: 3,
    name: 'screening runs and results',
    up(db) {
      db.exec(`
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
          licences_dataset INTEGER NOT NULL REFERENCES datasets(id),
          reserves_dataset INTEGER REFERENCES datasets(id),
          division_code TEXT NOT NULL, options TEXT NOT NULL,
          progress_done INTEGER NOT NULL DEFAULT 0, progress_total INTEGER NOT NULL DEFAULT 0,
          message TEXT, summary TEXT, result_meta TEXT,
          owner_pid INTEGER, owner_instance TEXT,
          created_at DATETIME NOT NULL, created_by TEXT NOT NULL, started_at DATETIME, finished_at DATETIME);
        CREATE INDEX runs_status ON runs(status);
        CREATE TABLE run_zones (
          run_id INTEGER NOT NULL REFERENCES runs(id), position INTEGER NOT NULL,
          dataset_id INTEGER NOT NULL REFERENCES datasets(id), PRIMARY KEY (run_id, position));
        CREATE TABLE screening_results (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL, division_code TEXT NOT NULL,
          licence_id TEXT NOT NULL, name TEXT, status TEXT NOT NULL,
          licence_area_plane_m2 DOUBLE NOT NULL, licence_area_ellipsoidal_m2 DOUBLE NOT NULL,
          exit_area_plane_m2 DOUBLE NOT NULL, exit_area_ellipsoidal_m2 DOUBLE NOT NULL, exit_ratio DOUBLE NOT NULL,
          remaining_parts INTEGER NOT NULL, zone_ids TEXT NOT NULL, warnings TEXT NOT NULL,
          remaining_range BLOB, detail TEXT NOT NULL);
        CREATE UNIQUE INDEX screening_results_seq ON screening_results(run_id, seq);
        CREATE TABLE zone_overlaps (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL, licence_id TEXT NOT NULL,
          zone_id TEXT NOT NULL, zone_name TEXT, zone_type TEXT,
          overlap_area_plane_m2 DOUBLE NOT NULL, overlap_area_ellipsoidal_m2 DOUBLE NOT NULL);
        CREATE INDEX zone_overlaps_zone ON zone_overlaps(run_id, zone_id);
        CREATE TABLE reserve_results (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          run_id INTEGER NOT NULL REFERENCES runs(id), licence_id TEXT NOT NULL, block_id TEXT NOT NULL,
          category TEXT, block_area_plane_m2 DOUBLE NOT NULL, ore_t DOUBLE, metal_t DOUBLE, exit_fraction DOUBLE NOT NULL,
          exit_ore_t DOUBLE, exit_metal_t DOUBLE, note TEXT);
        CREATE INDEX reserve_results_run ON reserve_results(run_id);
      `);
      createFeatureTable(db, {
        table: 'exit_ranges', identifier: 'exit_ranges', description: 'Exit ranges (退出范围) of the screening runs',
        geometryType: 'MULTIPOLYGON',
        columns: `run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL, division_code TEXT NOT NULL,
          licence_id TEXT NOT NULL, name TEXT, status TEXT NOT NULL, exit_area_ellipsoidal_m2 DOUBLE NOT NULL, exit_ratio DOUBLE NOT NULL`,
      });
      db.exec('CREATE INDEX exit_ranges_run ON exit_ranges(run_id, seq)');
      registerAttributes(db, 'runs', 'Screening runs: inputs, status, progress, who and when');
      registerAttributes(db, 'screening_results', 'screening.csv of every run, one row per licence');
      registerAttributes(db, 'zone_overlaps', 'zone_overlaps.csv of every run');
      registerAttributes(db, 'reserve_results', 'reserves.csv of every run');
    },
  },
  {
    version: 4,
    name: 'compensation, cases, decisions and the audit log',
    up(db) {
      db.exec(`
        CREATE TABLE finance_rows (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          run_id INTEGER NOT NULL REFERENCES runs(id), source TEXT NOT NULL, row INTEGER NOT NULL,
          licence_id TEXT, division_code TEXT NOT NULL, cells TEXT NOT NULL);
        CREATE INDEX finance_rows_run ON finance_rows(run_id, licence_id);
        CREATE TABLE compensation_summaries (
          run_id INTEGER PRIMARY KEY NOT NULL REFERENCES runs(id), summary TEXT NOT NULL);
        CREATE TABLE compensations (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          run_id INTEGER NOT NULL REFERENCES runs(id), licence_id TEXT NOT NULL, division_code TEXT NOT NULL,
          exit_kind TEXT NOT NULL CHECK (exit_kind IN ('whole', 'partial')), eligible BOOLEAN NOT NULL,
          gross TEXT, payable TEXT, detail TEXT NOT NULL);
        CREATE INDEX compensations_run ON compensations(run_id, licence_id);
        CREATE TABLE cases (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          run_id INTEGER NOT NULL REFERENCES runs(id), licence_id TEXT NOT NULL, name TEXT,
          division_code TEXT NOT NULL, created_at DATETIME NOT NULL, created_by TEXT NOT NULL,
          UNIQUE (run_id, licence_id));
        CREATE TABLE decisions (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          case_id INTEGER NOT NULL REFERENCES cases(id),
          exit_kind TEXT NOT NULL CHECK (exit_kind IN ('whole', 'partial')), reviewed BOOLEAN NOT NULL,
          note TEXT, decided_by TEXT NOT NULL, decided_at DATETIME NOT NULL);
        CREATE INDEX decisions_case ON decisions(case_id);
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
          at DATETIME NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL,
          before TEXT, after TEXT);
        CREATE INDEX audit_log_entity ON audit_log(entity);
      `);
      // A decision is superseded by a newer one, never edited; the log is never rewritten.
      // Triggers rather than application discipline: they hold for QGIS and the sqlite3 shell too.
      for (const t of ['audit_log', 'decisions']) {
        db.exec(`
          CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END;
          CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END;
        `);
      }
      registerAttributes(db, 'finance_rows', 'Finance tables given for compensation, one row per licence (cells as JSON)');
      registerAttributes(db, 'compensations', 'Compensation per licence (trace as JSON)');
      registerAttributes(db, 'cases', 'Exit cases (退出案件), one per licence of a run');
      registerAttributes(db, 'decisions', 'Decisions on cases (append-only)');
      registerAttributes(db, 'audit_log', 'Who changed what and when (append-only)');
    },
  },
  {
    version: 5,
    name: 'service settings',
    up(db) {
      // a GeoPackage attributes table needs an INTEGER primary key; the key is unique beside it
      db.exec('CREATE TABLE settings (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL)');
      registerAttributes(db, 'settings', 'Settings of the service (basemap, default division code, language), JSON per key');
    },
  },
];

/**
 * Brings the file up to the newest version. A fresh file becomes a GeoPackage; a file that is
 * some other SQLite database (or one a newer redline wrote) is refused rather than altered.
 */
export function migrate(db: Database, path: string): number[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.length > 0 && !tables.includes('schema_migrations')) {
    throw new Error(`${path}: is an SQLite database but not a redline store (no schema_migrations table); refusing to change it`);
  }
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at DATETIME NOT NULL)');
  const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
  const applied: number[] = [];
  const version = (): number => (db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get() as number);
  if (version() > latest) {
    throw new Error(`${path}: schema version ${version()} was written by a newer redline (this one knows up to ${latest})`);
  }
  for (const m of MIGRATIONS) {
    // IMMEDIATE: of two processes opening a fresh file at once, the second waits and then sees the step done
    db.transaction(() => {
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now());
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
