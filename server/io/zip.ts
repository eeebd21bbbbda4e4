/**
 * Reading zip archives in memory: the central directory is parsed here, entries are inflated with
 * node:zlib. fflate's unzipSync was the first idea, but it cannot do four things real uploads need:
 *  - names: zips made on Chinese Windows store names in GBK without the UTF-8 flag; fflate decodes
 *    them as Latin-1 (矿权.shp → "¿óÈ¨.shp"), which is not reversible once mixed with flagged names;
 *  - a hard output cap: inflateRawSync's maxOutputLength stops a lying size field at the declared
 *    size instead of inflating the whole bomb;
 *  - CRC-32 checks, so a damaged archive says so instead of yielding a corrupt .shp;
 *  - clear refusals of encrypted entries and unsupported methods.
 * Nothing is written to disk, but entries escaping their folder ("../", absolute paths) are still
 * refused: such an archive is hostile or broken, and its names must not flow into later paths.
 */
import { isUtf8 } from 'node:buffer';
import { crc32, inflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { InputError } from '../errors.ts';

export interface ZipEntry {
  /** path inside the archive, '/'-separated, decoded (UTF-8 or GBK) */
  name: string;
  isDirectory: boolean;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Refuse to inflate more than this in total, or entries compressed more than MAX_RATIO : 1. */
export const MAX_TOTAL_BYTES = 2 * 1024 ** 3;
export const MAX_RATIO = 1000;
/** Small entries may legitimately compress extremely well (a DBF of blanks); ratio applies above. */
const RATIO_FLOOR_BYTES = 1024 * 1024;

const U32 = 0xffffffff;

export function listZip(buf: Buffer, file: string): ZipEntry[] {
  const eocd = findEocd(buf);
  if (eocd < 0) {
    throw new InputError(file, 'not a readable zip archive (no end-of-archive record): truncated download or not a zip');
  }
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === U32 || cdOffset === U32) {
    const loc = eocd - 20;
    if (loc >= 0 && buf.readUInt32LE(loc) === 0x07064b50) {
      const z = Number(buf.readBigUInt64LE(loc + 8));
      if (z + 56 <= buf.length && buf.readUInt32LE(z) === 0x06064b50) {
        count = Number(buf.readBigUInt64LE(z + 32));
        cdSize = Number(buf.readBigUInt64LE(z + 40));
        cdOffset = Number(buf.readBigUInt64LE(z + 48));
      }
    }
  }
  if (cdOffset + cdSize > buf.length) {
    throw new InputError(file, 'truncated zip archive: its directory lies past the end of the file');
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) {
      throw new InputError(file, `corrupt zip archive: directory entry ${i} is damaged`);
    }
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const flags = buf.readUInt16LE(p + 8);
    const nameStart = p + 46;
    const extraStart = nameStart + nameLen;
    if (extraStart + extraLen > buf.length) throw new InputError(file, `corrupt zip archive: directory entry ${i} is cut off`);
    const entry: ZipEntry = {
      name: '',
      isDirectory: false,
      method: buf.readUInt16LE(p + 10),
      flags,
      crc: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    };
    const unicodeName = readExtras(buf, extraStart, extraStart + extraLen, entry);
    const raw = unicodeName ?? decodeName(buf, nameStart, extraStart, flags);
    entry.name = raw.replace(/\\/g, '/');
    entry.isDirectory = entry.name.endsWith('/');
    checkSafePath(entry.name, file);
    entries.push(entry);
    p = extraStart + extraLen + commentLen;
  }
  return entries;
}

function findEocd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let e = buf.length - 22; e >= stop; e--) if (buf.readUInt32LE(e) === 0x06054b50) return e;
  return -1;
}

/** Applies the zip64 sizes and returns the Info-ZIP Unicode path (0x7075) when present. */
function readExtras(buf: Buffer, start: number, end: number, entry: ZipEntry): string | null {
  let unicode: string | null = null;
  for (let q = start; q + 4 <= end; ) {
    const id = buf.readUInt16LE(q);
    const len = buf.readUInt16LE(q + 2);
    const data = q + 4;
    if (data + len > end) break;
    if (id === 0x0001) {
      let f = data;
      const next = (): number => {
        const v = f + 8 <= data + len ? Number(buf.readBigUInt64LE(f)) : U32;
        f += 8;
        return v;
      };
      if (entry.size === U32) entry.size = next();
      if (entry.compressedSize === U32) entry.compressedSize = next();
      if (entry.localOffset === U32) entry.localOffset = next();
    } else if (id === 0x7075 && len > 5 && buf[data] === 1) {
      unicode = buf.toString('utf8', data + 5, data + len);
    }
    q = data + len;
  }
  return unicode;
}

/**
 * Names without the UTF-8 flag are in the writer's code page. Valid UTF-8 is taken as UTF-8 (Linux
 * and macOS tools omit the flag); anything else is GBK/GB18030, the code page of Chinese Windows.
 */
function decodeName(buf: Buffer, start: number, end: number, flags: number): string {
  if (flags & 0x0800 || isUtf8(buf.subarray(start, end))) return buf.toString('utf8', start, end);
  return iconv.decode(buf.subarray(start, end), 'gb18030');
}

function checkSafePath(name: string, file: string): void {
  const absolute = name.startsWith('/') || /^[A-Za-z]:/.test(name);
  if (absolute || name.split('/').includes('..')) {
    throw new InputError(file, `unsafe entry "${name}": its path leaves the archive's folder (zip-slip); refusing the archive`);
  }
}

/** Inflates the given entries, with the zip-bomb limits applied to them together. */
export function extractEntries(buf: Buffer, entries: ZipEntry[], file: string): Buffer[] {
  let total = 0;
  for (const e of entries) {
    total += e.size;
    if (e.size > RATIO_FLOOR_BYTES && e.size > MAX_RATIO * Math.max(1, e.compressedSize)) {
      throw new InputError(
        file,
        `refusing "${e.name}": ${e.compressedSize} bytes would inflate to ${e.size} (more than ${MAX_RATIO}:1, a zip bomb?)`,
      );
    }
  }
  if (total > MAX_TOTAL_BYTES) {
    throw new InputError(file, `refusing to unpack ${total} bytes (limit ${MAX_TOTAL_BYTES}): a zip bomb?`);
  }
  return entries.map((e) => extractEntry(buf, e, file));
}

function extractEntry(buf: Buffer, e: ZipEntry, file: string): Buffer {
  const where = `"${e.name}" in the archive`;
  if (e.flags & 0x0001) throw new InputError(file, `${where} is encrypted; zip it again without a password`);
  const p = e.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== 0x04034b50) {
    throw new InputError(file, `corrupt or truncated zip archive: ${where} has no local header`);
  }
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const end = start + e.compressedSize;
  if (end > buf.length) throw new InputError(file, `truncated zip archive: ${where} is cut off`);
  const data = buf.subarray(start, end);
  let out: Buffer;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw new InputError(file, `corrupt zip archive: stored ${where} has inconsistent sizes`);
    out = Buffer.from(data);
  } else if (e.method === 8) {
    if (e.size === 0) return Buffer.alloc(0);
    try {
      out = inflateRawSync(data, { maxOutputLength: e.size });
    } catch (err) {
      const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new InputError(
        file,
        tooBig
          ? `${where} inflates to more than its declared ${e.size} bytes (a zip bomb?)`
          : `corrupt zip archive: ${where} does not inflate (${(err as Error).message})`,
      );
    }
  } else {
    throw new InputError(file, `${where} uses compression method ${e.method}, which is not supported; zip it again with Deflate`);
  }
  if (out.length !== e.size || (crc32(out) >>> 0) !== e.crc) {
    throw new InputError(file, `corrupt zip archive: ${where} fails its CRC-32 check`);
  }
  return out;
}
