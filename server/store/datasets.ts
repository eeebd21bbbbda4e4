/**
 * Datasets in the SQLite store: one row in `datasets` and one row per feature in the feature
 * table of its kind (licences, zones, reserve_blocks, facilities).
 *
 * Two geometries per feature, on purpose:
 * - `geom`: CGCS2000 lon/lat (EPSG:4490) as a GeoPackage blob. A GeoPackage geometry column has
 *   one CRS, and one table holds the features of every dataset of its kind (licences of all
 *   counties, in different Gauss-Krüger zones): lon/lat is the one CRS they all fit in, and what
 *   the map, the R-tree and QGIS want. It is computed with redline's own transform, without the
 *   bureau's datum shift for Xian 80 / Beijing 54 data (tens of metres off then): it is for
 *   display and search, never for areas.
 * - `geom_src`: the feature exactly as imported, little-endian WKB in the dataset's CRS (EPSG in
 *   `datasets.epsg`), so a screening reads the same doubles it would read from the file —
 *   going to lon/lat and back would move vertices by nanometres and change areas in the last
 *   digits. Null for a feature without a shape.
 * The lon/lat column is NULL while the CRS is unknown; confirming a CRS recomputes it from
 * `geom_src`.
 */
import { crsFromEpsg } from '../geo/crs.ts';
import { swapRing, toLonLat, type Transform } from '../geo/projection.ts';
import type { Attributes, BBox, MultiPolygon, Ring } from '../geo/types.ts';
import { multiPolygonToWkb, wkbToMultiPolygon } from '../geo/wkb.ts';
import type { Layer } from '../io/layer.ts';
import type { LayerReport } from '../io/report.ts';
import { mapFields, textOf, zoneTypeOf, type FieldKey } from '../screening/fields.ts';
import {
  LONLAT_SRS, ensureEpsg, geometryBlob, multiPointWkb, multiPolygonBlob, now, parseBlob, touchContents, wkbEnvelope, wkbPoints,
} from './gpkg.ts';
import { bool, checkActor, checkDivision, jsonText, listRows, parseJson, writeAudit, type Db } from './sql.ts';
import {
  StoreError, type Dataset, type DatasetCrs, type DatasetFilter, type DatasetKind, type DatasetSummary, type LayerMeta,
  type NewDataset, type StoredFeature,
} from './store.ts';

export const FEATURE_TABLE: Readonly<Record<DatasetKind, string>> = {
  licences: 'licences', zones: 'zones', reserves: 'reserve_blocks', facilities: 'facilities',
};

/**
 * The key columns of each kind, found by the default field names (case-insensitive) as the
 * screening finds them. They serve search and display (and QGIS labels); the screening itself
 * maps fields again on the attributes, where `--map` overrides apply.
 */
const KEY_FIELDS: Readonly<Record<DatasetKind, readonly FieldKey[]>> = {
  licences: ['licence_id', 'name'],
  zones: ['zone_id', 'zone_name', 'zone_type'],
  reserves: ['licence_id', 'block_id', 'category'],
  facilities: ['licence_id'],
};

function keyValues(kind: DatasetKind, layer: Layer): (index: number, a: Attributes) => (string | null)[] {
  const m = mapFields(layer.source, layer.fields, KEY_FIELDS[kind], {});
  if (kind !== 'zones') return (_i, a) => KEY_FIELDS[kind].map((k) => textOf(a, m[k]));
  // as collectZones names them: the zone_id field, else file#n; the type from the field, else the file name
  const typeFromName = layer.zoneType ?? zoneTypeOf(layer.name);
  return (i, a) => [textOf(a, m.zone_id) ?? `${layer.name}#${i + 1}`, textOf(a, m.zone_name), zoneTypeOf(textOf(a, m.zone_type)) ?? typeFromName];
}

/** The lon/lat transform of a CRS, or null when the CRS is unknown. */
function lonLatOf(crs: DatasetCrs): ((r: Ring) => Ring) | null {
  if (crs.epsg === null) return null;
  const t: Transform = toLonLat(crsFromEpsg(crs.epsg));
  return crs.swapped ? (r) => t(swapRing(r)) : (r) => t(r);
}

/** The EPSG code is one redline can transform (crsFromEpsg's list), else an `invalid` error. */
function checkEpsg(epsg: number | null): void {
  if (epsg === null) return;
  try {
    crsFromEpsg(epsg);
  } catch (err) {
    throw new StoreError('invalid', (err as Error).message);
  }
}

/** The lon/lat blob of a source WKB (polygons, or points for facilities). */
function lonLatBlob(src: Uint8Array, toLonLatRing: (r: Ring) => Ring): Buffer | null {
  const points = wkbPoints(src);
  if (points) {
    const ll = toLonLatRing(points);
    const wkb = multiPointWkb(ll);
    const box = wkbEnvelope(wkb);
    return box ? geometryBlob(wkb, LONLAT_SRS, box) : null;
  }
  const mp: MultiPolygon = wkbToMultiPolygon(src).map((p) => p.map(toLonLatRing));
  return multiPolygonBlob(mp, LONLAT_SRS);
}

function extend(box: BBox | null, blobBox: BBox | null): BBox | null {
  if (!blobBox) return box;
  if (!box) return [...blobBox];
  return [Math.min(box[0], blobBox[0]), Math.min(box[1], blobBox[1]), Math.max(box[2], blobBox[2]), Math.max(box[3], blobBox[3])];
}

function envelopeOfBlob(blob: Buffer | null): BBox | null {
  return blob ? parseBlob(blob).envelope : null;
}

interface DatasetRow {
  id: number; kind: DatasetKind; name: string; division_code: string; epsg: number | null; crs_confirmed: number;
  swapped: number; feature_count: number; min_lon: number | null; min_lat: number | null; max_lon: number | null;
  max_lat: number | null; layer: string; report: string; created_at: string; created_by: string;
}

function summaryOf(r: DatasetRow): DatasetSummary {
  return {
    id: r.id, kind: r.kind, name: r.name, divisionCode: r.division_code,
    crs: { epsg: r.epsg, confirmed: bool(r.crs_confirmed), swapped: bool(r.swapped) },
    featureCount: r.feature_count,
    bboxLonLat: r.min_lon === null || r.min_lat === null || r.max_lon === null || r.max_lat === null ? null : [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
    createdAt: r.created_at, createdBy: r.created_by,
  };
}

function datasetRow(db: Db, id: number): DatasetRow | undefined {
  return db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
}

export function getDataset(db: Db, id: number): Dataset | null {
  const r = datasetRow(db, id);
  return r ? { ...summaryOf(r), layer: parseJson<LayerMeta>(r.layer), report: parseJson<LayerReport>(r.report) } : null;
}

export function listDatasets(db: Db, filter: DatasetFilter = {}): DatasetSummary[] {
  return listRows<DatasetRow>(db, 'datasets', { kind: filter.kind }, filter.division).map(summaryOf);
}

/**
 * Imports a layer in one transaction: a kill or an error at any feature leaves no trace of the
 * dataset (no row in `datasets`, no feature, no audit row).
 */
export function createDataset(db: Db, input: NewDataset, by: string): Dataset {
  checkActor(by);
  checkDivision(input.divisionCode);
  if (input.name.trim() === '') throw new StoreError('invalid', 'a dataset needs a name');
  if (!(input.kind in FEATURE_TABLE)) throw new StoreError('invalid', `unknown dataset kind "${input.kind}"`);
  checkEpsg(input.crs.epsg);
  const { features, ...meta } = input.layer;
  const table = FEATURE_TABLE[input.kind];
  const keysOf = keyValues(input.kind, input.layer);
  // the key columns are named after the field keys
  const keyColumns = KEY_FIELDS[input.kind];
  const toLonLatRing = lonLatOf(input.crs);
  const id = db.transaction((): number => {
    if (input.crs.epsg !== null) ensureEpsg(db, input.crs.epsg);
    const { lastInsertRowid } = db.prepare(
      `INSERT INTO datasets (kind, name, division_code, epsg, crs_confirmed, swapped, feature_count, layer, report, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(input.kind, input.name, input.divisionCode, input.crs.epsg, input.crs.confirmed ? 1 : 0, input.crs.swapped ? 1 : 0,
      features.length, jsonText(meta), jsonText(input.report), now(), by);
    const datasetId = Number(lastInsertRowid);
    const insert = db.prepare(
      `INSERT INTO "${table}" (geom, ${keyColumns.join(', ')}, dataset_id, feature_index, division_code, attributes, repairs, geom_src)
       VALUES (?, ${keyColumns.map(() => '?').join(', ')}, ?, ?, ?, ?, ?, ?)`,
    );
    let box: BBox | null = null;
    for (const f of features) {
      const points = f.points ?? null;
      const src = points && points.length > 0 ? multiPointWkb(points) : f.geometry && f.geometry.length > 0 ? multiPolygonToWkb(f.geometry) : null;
      const geom = src && toLonLatRing ? lonLatBlob(src, toLonLatRing) : null;
      box = extend(box, envelopeOfBlob(geom));
      insert.run(geom, ...keysOf(f.index, f.attributes), datasetId, f.index, input.divisionCode, jsonText(f.attributes),
        f.repairs?.length ? jsonText(f.repairs) : null, src);
    }
    setBox(db, datasetId, box);
    touchContents(db, table);
    const created = datasetRow(db, datasetId) as DatasetRow;
    writeAudit(db, by, 'dataset.create', `dataset:${datasetId}`, null, summaryOf(created));
    return datasetId;
  })();
  return getDataset(db, id) as Dataset;
}

function setBox(db: Db, id: number, box: BBox | null): void {
  db.prepare('UPDATE datasets SET min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ? WHERE id = ?')
    .run(box?.[0] ?? null, box?.[1] ?? null, box?.[2] ?? null, box?.[3] ?? null, id);
}

/** Confirms or corrects the CRS, recomputing the lon/lat geometry of every feature from its source. */
export function confirmCrs(db: Db, id: number, crs: { epsg: number; swapped?: boolean }, by: string): Dataset {
  checkActor(by);
  checkEpsg(crs.epsg);
  db.transaction(() => {
    const before = datasetRow(db, id);
    if (!before) throw new StoreError('not_found', `no dataset ${id}`);
    const next: DatasetCrs = { epsg: crs.epsg, confirmed: true, swapped: crs.swapped ?? bool(before.swapped) };
    ensureEpsg(db, crs.epsg);
    db.prepare('UPDATE datasets SET epsg = ?, crs_confirmed = 1, swapped = ? WHERE id = ?').run(next.epsg, next.swapped ? 1 : 0, id);
    const table = FEATURE_TABLE[before.kind];
    const toLonLatRing = lonLatOf(next) as (r: Ring) => Ring;
    const update = db.prepare(`UPDATE "${table}" SET geom = ? WHERE fid = ?`);
    let box: BBox | null = null;
    // all() rather than iterate(): better-sqlite3 cannot write while a read statement is open
    const rows = db.prepare(`SELECT fid, geom_src FROM "${table}" WHERE dataset_id = ?`).all(id) as { fid: number; geom_src: Buffer | null }[];
    for (const row of rows) {
      const geom = row.geom_src ? lonLatBlob(row.geom_src, toLonLatRing) : null;
      box = extend(box, envelopeOfBlob(geom));
      update.run(geom, row.fid);
    }
    setBox(db, id, box);
    touchContents(db, table);
    const { crs: was } = summaryOf(before);
    writeAudit(db, by, 'dataset.confirm_crs', `dataset:${id}`, { crs: was }, { crs: next });
  })();
  return getDataset(db, id) as Dataset;
}

/** The features as imported, in file order, coordinates in the dataset's own CRS. */
export function readFeatures(db: Db, id: number): StoredFeature[] {
  const r = datasetRow(db, id);
  if (!r) throw new StoreError('not_found', `no dataset ${id}`);
  const rows = db.prepare(`SELECT feature_index, attributes, repairs, geom_src FROM "${FEATURE_TABLE[r.kind]}" WHERE dataset_id = ? ORDER BY feature_index`)
    .all(id) as { feature_index: number; attributes: string; repairs: string | null; geom_src: Buffer | null }[];
  return rows.map((row) => {
    const points = row.geom_src ? wkbPoints(row.geom_src) : null;
    const f: StoredFeature = {
      index: row.feature_index,
      geometry: row.geom_src && !points ? wkbToMultiPolygon(row.geom_src) : null,
      attributes: parseJson<Attributes>(row.attributes),
    };
    if (points) f.points = points;
    if (row.repairs !== null) f.repairs = parseJson<string[]>(row.repairs);
    return f;
  });
}
