/**
 * dBASE (.dbf) attribute tables as written beside shapefiles (dBASE III+ layout, as GDAL, ArcGIS
 * and QGIS write them). Every record is kept, deleted ones included, so that record i stays
 * aligned with shape i of the .shp: dropping them would silently attach attributes to the wrong
 * geometry.
 */
import type { AttributeValue, Attributes } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import { chooseEncoding, isUtf8Slice, makeDecoder } from './encoding.ts';
import type { Decoder, EncodingChoice } from './encoding.ts';

export interface DbfField {
  name: string;
  /** dBASE type letter: C, N, F, L, D, … */
  type: string;
  /** byte offset of the value within a record (the deletion flag is byte 0) */
  offset: number;
  length: number;
  decimals: number;
}

export interface DbfTable {
  fields: DbfField[];
  records: Attributes[];
  /** number of records flagged as deleted (kept in `records`) */
  deleted: number;
  encoding: EncodingChoice;
}

export interface DbfOptions {
  /** canonical encoding chosen by the user, or null */
  option: string | null;
  /** raw text of the .cpg file, or null when there is none */
  cpg: string | null;
}

interface RawField {
  nameStart: number;
  nameEnd: number;
  type: string;
  offset: number;
  length: number;
  decimals: number;
}

export function readDbf(buf: Buffer, file: string, options: DbfOptions): DbfTable {
  if (buf.length === 0) throw new InputError(file, 'the file is empty (0 bytes)');
  if (buf.length < 32) {
    throw new InputError(file, `not a dBASE file: ${buf.length} bytes, shorter than its 32-byte header`);
  }
  if ((buf[0] & 0x07) === 4) {
    throw new InputError(file, 'dBASE level 7 tables are not supported; save it as dBASE III/IV');
  }
  const count = buf.readUInt32LE(4);
  const headerSize = buf.readUInt16LE(8);
  const recordSize = buf.readUInt16LE(10);
  const ldid = buf[29];
  const raw = readFieldDescriptors(buf, file, headerSize, recordSize);

  const needed = headerSize + count * recordSize;
  // A header whose record length disagrees with its fields, over data that fits the fields:
  // the header is wrong, not the file short (a hand-patched or badly written table).
  const used = 1 + raw.reduce((sum, r) => sum + r.length, 0);
  if (needed > buf.length && used !== recordSize && headerSize + count * used <= buf.length) {
    throw new InputError(
      file,
      `the header says each record is ${recordSize} bytes, but its fields take ${used} (with the deletion flag) ` +
        `and the file holds ${count} records of ${used}: the .dbf header is damaged`,
    );
  }
  if (needed > buf.length) {
    const whole = Math.max(0, Math.floor((buf.length - headerSize) / recordSize));
    throw new InputError(
      file,
      `truncated: the header announces ${count} records of ${recordSize} bytes (${needed} bytes) ` +
        `but the file has ${buf.length} bytes; record #${whole} is cut off`,
      { index: whole },
    );
  }

  const encoding = chooseEncoding({
    option: options.option,
    cpg: options.cpg,
    ldid,
    utf8: () => utf8Evidence(buf, raw, headerSize, recordSize, count),
  });
  const decode = makeDecoder(encoding.name);
  const fields = nameFields(buf, raw, decode);

  const records: Attributes[] = new Array(count);
  let deleted = 0;
  for (let i = 0; i < count; i++) {
    const base = headerSize + i * recordSize;
    if (buf[base] === 0x2a) deleted++;
    const rec: Attributes = {};
    for (const f of fields) rec[f.name] = parseValue(buf, base + f.offset, f, decode);
    records[i] = rec;
  }
  return { fields, records, deleted, encoding };
}

function readFieldDescriptors(buf: Buffer, file: string, headerSize: number, recordSize: number): RawField[] {
  const out: RawField[] = [];
  let offset = 1; // byte 0 of each record is the deletion flag
  for (let p = 32; ; p += 32) {
    if (p >= buf.length) throw new InputError(file, 'truncated in its header (field list has no end mark)');
    if (buf[p] === 0x0d || p + 32 > headerSize) break;
    if (p + 32 > buf.length) throw new InputError(file, 'truncated in its field list');
    let nameEnd = p;
    while (nameEnd < p + 11 && buf[nameEnd] !== 0) nameEnd++;
    const length = buf[p + 16];
    out.push({
      nameStart: p,
      nameEnd,
      type: String.fromCharCode(buf[p + 11]).toUpperCase(),
      offset,
      length,
      decimals: buf[p + 17],
    });
    offset += length;
  }
  if (out.length === 0) throw new InputError(file, 'the table has no fields');
  if (offset > recordSize) {
    throw new InputError(
      file,
      `corrupt header: the fields take ${offset} bytes per record but records are ${recordSize} bytes`,
    );
  }
  return out;
}

/** Field names in the table's encoding (Chinese names are common), made unique. */
function nameFields(buf: Buffer, raw: RawField[], decode: Decoder): DbfField[] {
  const seen = new Set<string>();
  return raw.map((r, i) => {
    const base = decode(buf, r.nameStart, r.nameEnd).trim() || `FIELD_${i + 1}`;
    let name = base;
    for (let k = 1; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    return { name, type: r.type, offset: r.offset, length: r.length, decimals: r.decimals };
  });
}

/** Detection evidence: field names and every character field of every record. */
function utf8Evidence(buf: Buffer, raw: RawField[], headerSize: number, recordSize: number, count: number): 'ascii' | 'valid' | 'invalid' {
  let ascii = true;
  const check = (start: number, end: number): boolean => {
    for (let k = start; k < end && ascii; k++) if (buf[k] >= 0x80) ascii = false;
    return isUtf8Slice(buf, start, end);
  };
  for (const r of raw) if (!check(r.nameStart, r.nameEnd)) return 'invalid';
  const text = raw.filter((r) => r.type === 'C');
  for (let i = 0; i < count; i++) {
    const base = headerSize + i * recordSize;
    for (const r of text) {
      const s = base + r.offset;
      if (!check(s, trimEnd(buf, s, s + r.length))) return 'invalid';
    }
  }
  return ascii ? 'ascii' : 'valid';
}

/** End of a value without its padding (spaces, and NULs some writers use). */
function trimEnd(buf: Buffer, start: number, end: number): number {
  while (end > start && (buf[end - 1] === 0x20 || buf[end - 1] === 0)) end--;
  return end;
}

function trimStart(buf: Buffer, start: number, end: number): number {
  while (start < end && (buf[start] === 0x20 || buf[start] === 0)) start++;
  return start;
}

function parseValue(buf: Buffer, start: number, f: DbfField, decode: Decoder): AttributeValue {
  const end = trimEnd(buf, start, start + f.length);
  switch (f.type) {
    case 'C':
      // DBF cannot tell an empty string from a missing one; GDAL reads both as null, and so do we.
      return end === start ? null : decode(buf, start, end);
    case 'N':
    case 'F':
      return parseNumber(buf.toString('latin1', trimStart(buf, start, end), end), f.decimals);
    case 'L': {
      const c = buf[trimStart(buf, start, end)];
      if (c === 0x54 || c === 0x74 || c === 0x59 || c === 0x79) return true; // T t Y y
      if (c === 0x46 || c === 0x66 || c === 0x4e || c === 0x6e) return false; // F f N n
      return null; // '?' or blank: unknown
    }
    case 'D':
      return parseDate(buf.toString('latin1', trimStart(buf, start, end), end));
    case 'I': // Visual FoxPro binary integer
      return f.length === 4 ? buf.readInt32LE(start) : null;
    case 'O': // binary double
      return f.length === 8 ? buf.readDoubleLE(start) : null;
    case 'M':
    case 'G':
    case 'P':
      return null; // memo block pointers: the memo file (.dbt/.fpt) is not read
    default:
      return decode(buf, start, end);
  }
}

function parseNumber(text: string, decimals: number): number | string | null {
  // Blank means null; all asterisks is dBASE's "value did not fit the field".
  if (text === '' || /^\*+$/.test(text) || text === '.' || text === '-') return null;
  let n = Number(text);
  if (Number.isNaN(n)) n = Number(text.replace(',', '.')); // decimal comma from some locales
  if (!Number.isFinite(n)) return null;
  // Integer codes wider than 2^53 (e.g. long identifiers stored as N) would be silently rounded by a
  // double: keep their digits as text instead.
  if (decimals === 0 && Number.isInteger(n) && !Number.isSafeInteger(n) && /^[-+]?\d+$/.test(text)) {
    return text.replace(/^\+/, '');
  }
  return n;
}

function parseDate(text: string): string | null {
  if (text === '' || /^0+$/.test(text)) return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  // Some writers store 'YYYY-MM-DD' or 'YYYY/MM/DD' in the 8+ byte field; keep the text rather than
  // lose it.
  const d = /^(\d{4})[-/](\d{2})[-/](\d{2})$/.exec(text);
  return d ? `${d[1]}-${d[2]}-${d[3]}` : text;
}
