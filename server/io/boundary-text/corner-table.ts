/**
 * Corner-point tables (Excel or CSV) the way licences often arrive: one row per point, with
 * columns for the licence id, the point number, X (northing) and Y (easting), and optionally the
 * ring number, the mine's name and the mining elevations. Header names are matched
 * case-insensitively, ignoring spaces and a unit in brackets ("X坐标(m)").
 *
 * Rules: a licence's rows must be together (a licence reappearing after another is refused:
 * sorted or pasted-together tables are where points of two licences get mixed); so must a ring's
 * rows within a licence. Without a licence column the whole table is one licence named by the
 * file stem; without a ring column each licence is one ring. Each ring has its own number; which
 * rings are holes is decided by containment, and a polygon's elevations are those of its exterior
 * ring (one value per ring: rows may repeat it or leave it empty).
 */
import type { AttributeValue, Attributes, Ring } from '../../geo/types.ts';
import { csvCell } from '../csv.ts';
import type { Feature } from '../layer.ts';
import { organizeRings } from '../rings.ts';
import type { CornerPoint, Elevation, RawRing } from './corner-ring.ts';
import { blockElevationsOf, cleanRings, elevationAttributes, licenceIdOf, parseElevation, writtenPolygons } from './corner-ring.ts';
import type { Fail, WritableFeature, WriteOptions } from './decode.ts';
import { decimalsOf, encodeText, failFor, fileStem, formatCoord, formatValue, parseNumber, quote } from './decode.ts';

export type TableCell = string | number | null;

export interface CornerTable {
  header: string[];
  rows: TableCell[][];
  /** line of each row in a text file; without it rows are named as spreadsheet rows (header = row 1) */
  lines?: number[];
}

type Role = 'licence_id' | 'point_no' | 'x' | 'y' | 'ring' | 'name' | 'elev_top' | 'elev_bottom';

const COLUMNS: Record<Role, string[]> = {
  licence_id: ['licence_id', 'lic_id', '许可证号', 'xkzh', '矿权编号', '采矿许可证号', '勘查许可证号', '许可证编号'],
  point_no: ['point_no', '点号', '序号', '拐点号', '拐点编号', '点序号'],
  x: ['x', 'x坐标', '纵坐标'],
  y: ['y', 'y坐标', '横坐标'],
  ring: ['ring', '圈号', '块段号', '块号', '环号', '区块号'],
  name: ['name', '矿山名称', '名称', 'ksmc'],
  elev_top: ['elev_top', '开采上限', '标高上限', '开采标高上限'],
  elev_bottom: ['elev_bottom', '开采下限', '标高下限', '开采标高下限'],
};

function normalize(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '').replace(/[(（][^()（）]*[)）]$/, '');
}

/** Column index per role; two columns for one role is an error (which one would be meant?). */
function columnsOf(header: string[], fail: Fail): Partial<Record<Role, number>> {
  const out: Partial<Record<Role, number>> = {};
  header.forEach((h, i) => {
    const n = normalize(h);
    for (const role of Object.keys(COLUMNS) as Role[]) {
      if (!COLUMNS[role].includes(n)) continue;
      const before = out[role];
      if (before !== undefined) fail(`the columns ${quote(header[before])} and ${quote(h)} both look like ${role}; keep one`);
      out[role] = i;
    }
  });
  return out;
}

/** True when the header has X and Y columns: the table is meant as corner points. */
export function looksLikeCornerTable(header: string[]): boolean {
  const n = header.map(normalize);
  return n.some((h) => COLUMNS.x.includes(h)) && n.some((h) => COLUMNS.y.includes(h));
}

function cellText(v: TableCell | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v.trim();
}

interface Row {
  at: string;
  cells: TableCell[];
}

export function cornerTableFeatures(table: CornerTable, file: string): { fields: string[]; features: Feature[] } {
  const failFile: Fail = failFor(file);
  const col = columnsOf(table.header, failFile);
  for (const role of ['point_no', 'x', 'y'] as const) {
    if (col[role] === undefined) {
      failFile(`a corner-point table needs a ${role} column (${COLUMNS[role].join(', ')}); the header has: ${table.header.join(', ')}`);
    }
  }
  const stem = fileStem(file);
  const groups: Array<{ id: string; rows: Row[] }> = [];
  const firstAt = new Map<string, string>();
  table.rows.forEach((cells, i) => {
    const at = table.lines ? `line ${table.lines[i]}` : `row ${i + 2}`;
    const id = col.licence_id === undefined ? stem : cellText(cells[col.licence_id]);
    if (id === '') failFile(`${at}: no licence id`);
    const g = groups[groups.length - 1];
    if (g && g.id === id) {
      g.rows.push({ at, cells });
      return;
    }
    const before = firstAt.get(id);
    if (before !== undefined) {
      failFor(file, groups.findIndex((x) => x.id === id), id)(
        `${at}: the rows of licence ${id} are not together (it starts at ${before}, then other licences come); sort the table by licence`,
      );
    }
    firstAt.set(id, at);
    groups.push({ id, rows: [{ at, cells }] });
  });
  if (groups.length === 0) failFile('the table has a header but no rows');
  const fields = ['licence_id', ...(col.name === undefined ? [] : ['name']), 'elev_top', 'elev_bottom', 'blocks', 'block_elevations'];
  return { fields, features: groups.map((g, index) => licenceFeature(g.id, g.rows, index, col, failFor(file, index, g.id))) };
}

function licenceFeature(id: string, rows: Row[], index: number, col: Partial<Record<Role, number>>, fail: Fail): Feature {
  const runs: Array<{ key: string; rows: Row[] }> = [];
  const seen = new Set<string>();
  let name: { value: string; at: string } | null = null;
  for (const row of rows) {
    const key = col.ring === undefined ? '' : cellText(row.cells[col.ring]);
    if (col.ring !== undefined && key === '') fail(`${row.at}: no ring number`);
    const run = runs[runs.length - 1];
    if (run && run.key === key) run.rows.push(row);
    else {
      if (seen.has(key)) fail(`${row.at}: ring ${key} starts again after other rings; a ring's rows must be together`);
      seen.add(key);
      runs.push({ key, rows: [row] });
    }
    const n = col.name === undefined ? '' : cellText(row.cells[col.name]);
    if (n !== '' && name && name.value !== n) fail(`${row.at}: a second name ${quote(n)}; the licence is ${quote(name.value)} (${name.at})`);
    if (n !== '') name ??= { value: n, at: row.at };
  }
  const raws: RawRing[] = [];
  const elevations: Elevation[] = [];
  for (const run of runs) {
    const label = col.ring === undefined ? `the ring (from ${run.rows[0].at})` : `ring ${run.key} (from ${run.rows[0].at})`;
    raws.push({ label, points: run.rows.map((r) => pointOf(r, col, fail)) });
    elevations.push(ringElevation(run.rows, label, col, fail));
  }
  const repairs: string[] = [];
  const rings = cleanRings(raws, fail, repairs);
  const ringIndex = new Map<Ring, number>(rings.map((r, i) => [r, i]));
  const geometry = organizeRings(rings);
  const blocks = geometry.map((p) => elevations[ringIndex.get(p[0]) ?? 0]);
  const attributes: Attributes = { licence_id: id };
  if (col.name !== undefined) attributes.name = name?.value ?? null;
  Object.assign(attributes, elevationAttributes(blocks));
  return repairs.length ? { index, geometry, attributes, repairs } : { index, geometry, attributes };
}

function pointOf(row: Row, col: Partial<Record<Role, number>>, fail: Fail): CornerPoint {
  const noCell = row.cells[col.point_no ?? 0];
  let no: number | null = null;
  if (typeof noCell === 'number') no = Number.isInteger(noCell) && noCell >= 0 ? noCell : null;
  else {
    // "J12" and "12" alike: tables often carry the surveyor's point names
    const m = /^[A-Za-z]*\s*(\d{1,9})$/.exec(cellText(noCell));
    no = m ? Number(m[1]) : null;
  }
  if (no === null) fail(`${row.at}: the point number ${quote(cellText(noCell))} is not a whole number`);
  const coord = (role: 'x' | 'y'): number => {
    const c = row.cells[col[role] ?? 0];
    const v = typeof c === 'number' ? (Number.isFinite(c) ? c : null) : parseNumber(cellText(c));
    if (v === null) fail(`${row.at}: the ${role.toUpperCase()} coordinate ${quote(cellText(c))} is not a number`);
    return v;
  };
  return { no, x: coord('x'), y: coord('y'), at: row.at };
}

/** One elevation per ring: every non-empty value in the ring's rows must agree. */
function ringElevation(rows: Row[], label: string, col: Partial<Record<Role, number>>, fail: Fail): Elevation {
  const one = (role: 'elev_top' | 'elev_bottom'): { text: string; at: string } => {
    const c = col[role];
    let found: { text: string; at: string; value: number | null } | null = null;
    if (c === undefined) return { text: '', at: '' };
    for (const row of rows) {
      const text = cellText(row.cells[c]);
      if (text === '') continue;
      const value = parseNumber(text);
      if (value === null) fail(`${row.at}: ${role} ${quote(text)} is not a number`);
      if (found && found.value !== value) fail(`${row.at}: ${role} ${text} differs from ${found.text} (${found.at}) in ${label}; a ring has one elevation`);
      found ??= { text, at: row.at, value };
    }
    return found ?? { text: '', at: '' };
  };
  const top = one('elev_top');
  const bottom = one('elev_bottom');
  return parseElevation(top.text, bottom.text, top.at || bottom.at || label, fail);
}

// ---- writer ----

const NAME_KEYS = ['name', '矿山名称', '名称'];

function nameOf(attrs: Attributes): AttributeValue {
  for (const k of NAME_KEYS) {
    const v = attrs[k];
    if (v !== null && v !== undefined && String(v).trim() !== '') return v;
  }
  return null;
}

/**
 * One row per point: 许可证号, 矿山名称 (when any feature has a name), 圈号 (1, 2, … per licence:
 * each exterior followed by its holes), 点号 (from 1 in every ring, first point not repeated),
 * X坐标 (northing), Y坐标 (easting), 开采上限, 开采下限 (the block's, on every row of its rings).
 * GBK by default; UTF-8 gets a byte-order mark so that Excel shows the Chinese.
 */
export function writeCornerTableCsv(features: WritableFeature[], options: WriteOptions = {}): Buffer {
  const decimals = decimalsOf(options);
  if (features.length === 0) throw new RangeError('no licences to write');
  const withName = features.some((f) => nameOf(f.attributes) !== null);
  const header = ['许可证号', ...(withName ? ['矿山名称'] : []), '圈号', '点号', 'X坐标', 'Y坐标', '开采上限', '开采下限'];
  const lines = [header.join(',')];
  features.forEach((f, i) => {
    const id = licenceIdOf(f.attributes);
    const what = `feature #${i}${id ? ` (${id})` : ''}`;
    if (id === null) throw new RangeError(`${what} has no licence_id to write`);
    const polygons = writtenPolygons(f, what);
    const elevations = blockElevationsOf(f.attributes, polygons.length, what);
    const lead = [csvCell(id), ...(withName ? [csvCell(nameOf(f.attributes))] : [])];
    let ringNo = 0;
    polygons.forEach((p, k) => {
      const e = elevations[k];
      for (const ring of p) {
        ringNo++;
        ring.forEach(([n, east], j) => {
          lines.push([...lead, ringNo, j + 1, formatCoord(n, decimals), formatCoord(east, decimals), formatValue(e.top), formatValue(e.bottom)].join(','));
        });
      }
    });
  });
  return encodeText(lines.map((l) => `${l}\r\n`).join(''), options, true);
}
