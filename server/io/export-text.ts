/**
 * Export to the boundary-point text formats (corner points of the registration system, the
 * land-parcel exchange format, corner-point tables): what a bureau sends back to the
 * registration system or to a surveyor. These formats hold Gauss-Krüger coordinates with X the
 * northing, so a layer in lon/lat must be given a Gauss-Krüger CRS first (--to-crs).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { crsName, epsgFor } from '../geo/crs.ts';
import {
  writeCornerKeyed, writeCornerLine, writeCornerString, writeCornerTableCsv, writeParcelExchange, type WritableFeature,
} from './boundary-text/index.ts';
import { ExportError, type ExportLayer, type ExportReport } from './export.ts';

export const TEXT_FORMATS = ['corner-keyed', 'corner-line', 'corner-string', 'parcel-exchange'] as const;

export function isTextTarget(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === '.txt' || ext === '.csv';
}

export async function writeText(
  layer: ExportLayer, path: string, options: { encoding?: 'GBK' | 'UTF-8'; overwrite?: boolean; textFormat?: string },
): Promise<ExportReport> {
  if (layer.crs.kind !== 'gauss-kruger') {
    throw new ExportError(`${path}: boundary-point files hold Gauss-Krüger coordinates, and this layer is in ${crsName(layer.crs)}; add --to-crs EPSG:n (a Gauss-Krüger zone)`);
  }
  if (existsSync(path) && !options.overwrite) throw new ExportError(`${path} exists; choose another name or replace it with --overwrite`);
  const o = { encoding: options.encoding === 'UTF-8' ? 'utf-8' as const : 'gbk' as const };
  const features: WritableFeature[] = layer.features.filter((f) => f.geometry && f.geometry.length > 0);
  // a boundary-point file has no way to hold a feature without corners: say so, never drop quietly
  const skipped = layer.features.length - features.length;
  const notes = skipped > 0 ? [`${skipped} feature(s) without geometry are not in ${path}: a boundary-point file cannot hold them`] : [];
  const csv = extname(path).toLowerCase() === '.csv';
  const format = csv ? 'corner-table' : options.textFormat;
  let data: Buffer;
  try {
    if (format === 'corner-table') data = writeCornerTableCsv(features, o);
    else if (format === 'corner-string') data = writeCornerString(features, { ...o, ids: true });
    else if (format === 'parcel-exchange') data = writeParcelExchange(features, { ...o, epsg: epsgFor(layer.crs) });
    else if (format === 'corner-keyed' || format === 'corner-line') {
      if (features.length !== 1) {
        throw new ExportError(`${path}: the ${format} form holds one licence per file and this layer has ${features.length}; use --text-format corner-string or parcel-exchange, or a .csv table`);
      }
      data = format === 'corner-keyed' ? writeCornerKeyed(features[0], o) : writeCornerLine(features[0], o);
    } else {
      throw new ExportError(`${path}: say which boundary-point format with --text-format ${TEXT_FORMATS.join('|')}`);
    }
  } catch (err) {
    // the writers refuse what they cannot write faithfully (no licence id, a CRS the file cannot state)
    if (err instanceof RangeError) throw new ExportError(`${path}: ${err.message}`);
    throw err;
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
  return { format: 'text', files: [path], features: features.length, notes };
}
