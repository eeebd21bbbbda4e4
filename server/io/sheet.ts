/**
 * Rows of an Excel workbook (.xlsx), read through GDAL's XLSX driver: the first row is the
 * header and every cell comes back as the text stored in the sheet, never through a float, so
 * that ids with leading zeros, coordinates and money keep every digit.
 */
import { createRequire } from 'node:module';
import type * as GdalTypes from 'gdal-async';
import { InputError } from '../errors.ts';

const require = createRequire(import.meta.url);

export interface Sheet {
  name: string;
  header: string[];
  /** cells as text ('' when empty), as long as the header; rows with no text at all are left out */
  rows: string[][];
  /** the sheet's row number of each row (the header is row 1) */
  rowNumbers: number[];
}

export interface SheetOptions {
  /** the sheet to read, by name */
  sheet?: string;
  /** several sheets with rows: take the first (a table with notes beside it) or ask (default) */
  several?: 'first' | 'ask';
  /** how the user names a sheet, for the message that asks */
  flag?: string;
}

/**
 * Two driver settings matter, passed as configuration options (gdal-async's open takes no open
 * options) and restored afterwards: HEADERS=FORCE, because a sheet whose cells are all text has
 * no change of type to reveal its header row; FIELD_TYPES=STRING, under which GDAL hands back each
 * cell's text as stored in the sheet's XML instead of a double. The driver reads lazily, so they
 * stay in force until the rows are read.
 */
export function readSheet(path: string, options: SheetOptions = {}): Sheet {
  const gdal = require('gdal-async') as typeof GdalTypes;
  const settings = { OGR_XLSX_HEADERS: 'FORCE', OGR_XLSX_FIELD_TYPES: 'STRING' } as const;
  const before = Object.fromEntries(Object.keys(settings).map((k) => [k, gdal.config.get(k)]));
  for (const [k, v] of Object.entries(settings)) gdal.config.set(k, v);
  try {
    let ds: GdalTypes.Dataset;
    try {
      ds = gdal.open(path, 'r', ['XLSX']);
    } catch (err) {
      throw new InputError(path, `not a readable Excel workbook (.xlsx) (${(err as Error).message})`);
    }
    try {
      return rowsOf(pickSheet(ds, path, options));
    } finally {
      ds.close();
    }
  } finally {
    for (const [k, v] of Object.entries(before)) gdal.config.set(k, v);
  }
}

function pickSheet(ds: GdalTypes.Dataset, path: string, o: SheetOptions): GdalTypes.Layer {
  const sheets: GdalTypes.Layer[] = [];
  for (let i = 0; i < ds.layers.count(); i++) sheets.push(ds.layers.get(i));
  if (sheets.length === 0) throw new InputError(path, 'the workbook has no sheets');
  if (o.sheet !== undefined) {
    const s = sheets.find((x) => x.name === o.sheet);
    if (!s) throw new InputError(path, `no sheet "${o.sheet}"; it has: ${sheets.map((x) => x.name).join(', ')}`);
    return s;
  }
  const filled = sheets.filter((s) => s.features.count() > 0);
  if (filled.length > 1 && o.several !== 'first') {
    throw new InputError(path, `has ${filled.length} sheets with rows, pick one with ${o.flag ?? '--layer NAME'}: ${filled.map((s) => s.name).join(', ')}`);
  }
  return filled[0] ?? sheets[0];
}

function rowsOf(sheet: GdalTypes.Layer): Sheet {
  const header = sheet.fields.getNames();
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  for (let f = sheet.features.first(); f; f = sheet.features.next()) {
    const row = header.map((h) => {
      const v = f.fields.get(h) as unknown;
      return v === null || v === undefined ? '' : String(v).trim();
    });
    // with HEADERS=FORCE the feature id is the sheet's row number
    if (row.some((c) => c !== '')) {
      rows.push(row);
      rowNumbers.push(f.fid);
    }
  }
  return { name: sheet.name, header, rows, rowNumbers };
}
