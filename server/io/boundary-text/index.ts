/**
 * The Chinese boundary-point text formats: mining-right corner points (拐点坐标) in the
 * registration system's three encodings, the Ministry's land-parcel exchange format, and
 * corner-point tables. Readers return the whole file or throw an InputError naming the file, the
 * feature and the line: never a partial result. Writers return the bytes of a file that the
 * readers read back to the same geometry (to the written decimals) and attributes.
 */
import type { BBox } from '../../geo/types.ts';
import type { Feature } from '../layer.ts';
import { extendBBox, ringBBox } from '../rings.ts';
import { CORNER_FIELDS } from './corner-ring.ts';
import { isBareString, isIdStringLine, isKeyedLine, readCornerKeyed, readCornerLine, readCornerString } from './corner-points.ts';
import { cornerTableFeatures, looksLikeCornerTable, type CornerTable } from './corner-table.ts';
import type { BoundaryTextContents, BoundaryTextFormat, TextLine } from './decode.ts';
import { failFor, nonBlank, parseCount, parseNumber, splitLines, tokens } from './decode.ts';
import { decodeText, type EncodingChoice } from '../encoding.ts';
import { delimiterOf, parseDelimited } from '../delimited.ts';
import { PARCEL_FIELDS, isParcelExchange, readParcelExchange } from './parcel-exchange.ts';

export type { BoundaryTextContents, BoundaryTextFormat, WritableFeature, WriteOptions } from './decode.ts';
export type { CornerTable, TableCell } from './corner-table.ts';
export type { CornerStringOptions } from './corner-writers.ts';
export type { ParcelWriteOptions } from './parcel-writer.ts';
export { cornerTableFeatures, writeCornerTableCsv } from './corner-table.ts';
export { cornerString, writeCornerKeyed, writeCornerLine, writeCornerString } from './corner-writers.ts';
export { writeParcelExchange } from './parcel-writer.ts';

const EXPECTED =
  'expected one of: mining-right corner points as keyed lines ("XY001=1,X,Y" … "XYnnn=标高,top,bottom,,flag"), ' +
  'as a string ("rings,points,1,X,Y,…,top,bottom,remark,flag", or lines "licence_id=string"), ' +
  'or as point lines ("1,X,Y" … closed by "*,top,bottom,,flag"); the land-parcel exchange format ([属性描述], [地块坐标]); ' +
  'or a corner-point table with a header row (licence id, point number, X, Y)';

/** `pointNo,X,Y` or a `*,…` terminator: the line form. */
function isPointLine(text: string): boolean {
  const t = tokens(text);
  return (t[0] === '*' && t.length === 5) || (t.length === 3 && parseCount(t[0]) !== null && parseNumber(t[1]) !== null && parseNumber(t[2]) !== null);
}

/**
 * The format, from the content alone (the extension says nothing: all of them are .txt, tables
 * .csv too). Decided on the first non-blank line, strongest mark first:
 *   1. a line "[属性描述]" or "[地块坐标]" anywhere             → parcel exchange
 *   2. the first line is "XYnnn=…"                            → corner-keyed
 *   3. the first line is "something=…" (not XYnnn)            → corner-string, one licence per line
 *   4. the first line has ≥ 15 comma-separated values, starting with two whole numbers → corner-string
 *   5. the first line is "pointNo,X,Y" or "*,…"               → corner-line
 *   6. the first line is a header with X and Y columns (comma- or tab-separated) → corner-table
 * Anything else is refused, listing the formats expected. Once chosen, the format's reader is
 * strict: a file that looks like one format but breaks its rules gets that format's error.
 */
function detect(lines: TextLine[]): BoundaryTextFormat | null {
  const rows = nonBlank(lines);
  if (rows.length === 0) return null;
  const first = rows[0].text;
  if (isParcelExchange(lines)) return 'parcel-exchange';
  if (isKeyedLine(first)) return 'corner-keyed';
  if (isIdStringLine(first)) return 'corner-string';
  if (isBareString(first)) return 'corner-string';
  if (isPointLine(first)) return 'corner-line';
  // Only the header is looked at here: a stray quote further down is the table's error to report.
  const header = first.split(delimiterOf(first)).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  if (looksLikeCornerTable(header)) return 'corner-table';
  return null;
}

export function readBoundaryText(buf: Buffer, file: string, option: string | null): BoundaryTextContents {
  const { text, encoding } = decodeText(buf, option);
  const lines = splitLines(text);
  if (nonBlank(lines).length === 0) failFor(file)('the file is empty (no text in it)');
  const format = detect(lines);
  let fields: string[] = [...CORNER_FIELDS];
  let features: Feature[];
  let crsHint: number | null = null;
  let header: Record<string, string> | undefined;
  switch (format) {
    case 'corner-keyed':
      features = readCornerKeyed(lines, file);
      break;
    case 'corner-string':
      features = readCornerString(lines, file);
      break;
    case 'corner-line':
      features = readCornerLine(lines, file);
      break;
    case 'parcel-exchange': {
      const p = readParcelExchange(lines, file);
      ({ features, crsHint, header } = p);
      fields = [...PARCEL_FIELDS];
      break;
    }
    case 'corner-table':
      ({ fields, features } = cornerTableFeatures(parseDelimited(text, failFor(file)), file));
      break;
    default:
      return failFor(file)(`not a boundary-point file: ${EXPECTED}`);
  }
  const contents: BoundaryTextContents = { format, kind: 'polygon', fields, features, crsHint, encoding, bbox: bboxOf(features) };
  if (header) contents.header = header;
  return contents;
}

/** A corner-point table read from CSV or tab-separated text, whatever its content would say. */
export function readCornerTableCsv(buf: Buffer, file: string, option: string | null): BoundaryTextContents {
  const { text, encoding } = decodeText(buf, option);
  return cornerTableContents(parseDelimited(text, failFor(file)), encoding, file);
}

/** The licences of a corner-point table already split into rows (a CSV's, or a workbook sheet's). */
export function cornerTableContents(table: CornerTable, encoding: EncodingChoice, file: string): BoundaryTextContents {
  const { fields, features } = cornerTableFeatures(table, file);
  return { format: 'corner-table', kind: 'polygon', fields, features, crsHint: null, encoding, bbox: bboxOf(features) };
}

function bboxOf(features: Feature[]): BBox | null {
  let bbox: BBox | null = null;
  for (const f of features) for (const p of f.geometry ?? []) bbox = extendBBox(bbox, ringBBox(p[0]));
  return bbox;
}
