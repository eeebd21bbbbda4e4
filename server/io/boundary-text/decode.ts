/**
 * Text plumbing shared by the boundary-point formats: decoding (GBK unless the bytes say
 * otherwise), lines with their numbers for error messages, strict number parsing, and encoding
 * for the writers.
 */
import { basename, extname } from 'node:path';
import iconv from 'iconv-lite';
import { InputError } from '../../errors.ts';
import type { BBox } from '../../geo/types.ts';
import type { EncodingChoice } from '../encoding.ts';
import type { Feature } from '../layer.ts';

export type BoundaryTextFormat = 'corner-keyed' | 'corner-string' | 'corner-line' | 'parcel-exchange' | 'corner-table';

export interface BoundaryTextContents {
  format: BoundaryTextFormat;
  kind: 'polygon';
  /** attribute names in order */
  fields: string[];
  /** index = 0-based feature number */
  features: Feature[];
  /** EPSG code when the file states its CRS (parcel exchange) */
  crsHint: number | null;
  encoding: EncodingChoice;
  bbox: BBox | null;
  /** parcel exchange only: the [属性描述] key/values in file order */
  header?: Record<string, string>;
}

/** What the writers need of a feature: its geometry (easting first) and attributes. */
export type WritableFeature = Pick<Feature, 'geometry' | 'attributes'>;

export interface WriteOptions {
  /** 'gbk' (default: what the registration system and Chinese Windows tools read) or 'utf-8' */
  encoding?: 'gbk' | 'utf-8';
  /** decimals of the coordinates; default 3 (millimetres) */
  decimals?: number;
}

export interface TextLine {
  /** 1-based line number in the file */
  no: number;
  text: string;
}

export type { Fail } from '../delimited.ts';
import type { Fail } from '../delimited.ts';

/** The Fail of one feature (or of the whole file, without `index`). */
export function failFor(file: string, index?: number, id?: string): Fail {
  return (reason) => {
    throw new InputError(file, reason, index === undefined ? undefined : { index, id });
  };
}

/** The file name without folder and extension: the licence id of one-licence files. */
export function fileStem(file: string): string {
  return basename(file, extname(file));
}

/** Lines with their 1-based numbers, for CRLF, LF and old-Mac CR files alike. */
export function splitLines(text: string): TextLine[] {
  return text.split(/\r\n|\r|\n/).map((t, i) => ({ no: i + 1, text: t }));
}

export function nonBlank(lines: TextLine[]): TextLine[] {
  return lines.filter((l) => l.text.trim() !== '');
}

/** Comma-separated values, trimmed (these formats never quote). */
export function tokens(text: string): string[] {
  return text.split(',').map((t) => t.trim());
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number, or null: Number() would take '' as 0 and '0x10' as 16. */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : null;
}

/** A non-negative integer written as digits, or null. */
export function parseCount(text: string): number | null {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}

/** A value quoted for a message, shortened so that one line stays one line. */
export function quote(text: string): string {
  const t = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return `"${t}"`;
}

export function formatCoord(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  // -0.000 would read back as 0 anyway; write it as the positive zero it rounds to
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** Elevations and areas: shortest exact form; null as an empty field. */
export function formatValue(v: number | null): string {
  return v === null ? '' : String(v);
}

/** GBK is written with the GB18030 codec: identical bytes for every GBK character, and the rare
 * characters beyond GBK survive instead of becoming '?'. */
export function encodeText(text: string, options: WriteOptions, bom: boolean): Buffer {
  if ((options.encoding ?? 'gbk') === 'utf-8') return Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');
  return iconv.encode(text, 'gb18030');
}

export function decimalsOf(options: WriteOptions): number {
  const d = options.decimals ?? 3;
  if (!Number.isInteger(d) || d < 0 || d > 9) throw new RangeError(`decimals must be an integer from 0 to 9, got ${d}`);
  return d;
}
