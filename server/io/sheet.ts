/**
 * Rows of an Excel workbook (.xlsx), read through GDAL's XLSX driver: the first row is the
 * header and every cell comes back as the text Excel shows, never as a float, so that ids with
 * leading zeros, coordinates and money keep every digit.
 */
import { createRequire } from 'node:module';
import type * as GdalTypes from 'gdal-async';
import { InputError } from '../errors.ts';

const require = createRequire(import.meta.url);
let gdalModule: typeof GdalTypes | null = null;
function gdal(): typeof GdalTypes {
  if (!gdalModule) {
    gdalModule = require('gdal-async') as typeof GdalTypes;
    gdalModule.config.set('OGR_XLSX_HEADERS', 'FORCE');
    gdalModule.config.set('OGR_XLSX_FIELD_TYPES', 'STRING');
  }
  return gdalModule;
}

export interface Sheet {
  name: string;
  header: string[];
  /** cells as text, '' when empty; one array per row, as long as the header */
  rows: string[][];
}

/** One sheet: the one named, else the only sheet with rows (several: the user picks). */
export function readSheet(path: string, wanted?: string, flag = '--layer NAME'): Sheet {
  let ds: GdalTypes.Dataset;
  try {
    ds = gdal().open(path, 'r', ['XLSX']);
  } catch (err) {
    throw new InputError(path, `not a readable Excel workbook (.xlsx) (${(err as Error).message})`);
  }
  try {
    const sheets: GdalTypes.Layer[] = [];
    for (let i = 0; i < ds.layers.count(); i++) sheets.push(ds.layers.get(i));
    let sheet: GdalTypes.Layer | undefined;
    if (wanted !== undefined) {
      sheet = sheets.find((s) => s.name === wanted);
      if (!sheet) throw new InputError(path, `no sheet "${wanted}"; it has: ${sheets.map((s) => s.name).join(', ')}`);
    } else {
      const filled = sheets.filter((s) => s.features.count() > 0);
      if (filled.length > 1) {
        throw new InputError(path, `has ${filled.length} sheets with rows, pick one with ${flag}: ${filled.map((s) => s.name).join(', ')}`);
      }
      sheet = filled[0] ?? sheets[0];
      if (!sheet) throw new InputError(path, 'the workbook has no sheets');
    }
    const header = sheet.fields.getNames();
    const rows: string[][] = [];
    for (let f = sheet.features.first(); f; f = sheet.features.next()) {
      rows.push(header.map((h) => {
        const v = f.fields.get(h) as unknown;
        return v === null || v === undefined ? '' : String(v);
      }));
    }
    return { name: sheet.name, header, rows };
  } finally {
    ds.close();
  }
}
