/**
 * Zip archives built byte by byte, so that the corpus can hold what no well-behaved zip tool
 * writes (names escaping the folder, sizes that lie, a wrong CRC, a method nobody supports) and
 * so that every rebuild gives the same bytes (fixed timestamps, no random encryption header).
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipItem {
  /** the stored name: a string is written as UTF-8 (with the UTF-8 flag unless `rawName`), a Buffer as is */
  name: string | Buffer;
  data: Buffer;
  /** 0 stored, 8 deflated (default) */
  method?: 0 | 8;
  /** write the name's bytes without the UTF-8 flag (as Chinese Windows zips do, in GBK) */
  rawName?: boolean;
  /** traditional PKWARE encryption with this password */
  password?: string;
  /** lies told in the central directory (after the real values are computed) */
  declare?: { size?: number; compressedSize?: number; crc?: number; method?: number };
}

/** 2024-01-01 00:00:00 in MS-DOS date/time. */
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

export function buildZip(items: ZipItem[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const it of items) {
    const name = typeof it.name === 'string' ? Buffer.from(it.name, 'utf8') : it.name;
    const method = it.method ?? 8;
    const crc = crc32(it.data) >>> 0;
    let body: Buffer = method === 8 ? deflateRawSync(it.data, { level: 9 }) : Buffer.from(it.data);
    let flags = typeof it.name === 'string' && !it.rawName ? 0x0800 : 0;
    if (it.password !== undefined) {
      body = zipCrypto(body, it.password, crc);
      flags |= 0x0001;
    }
    const d = it.declare ?? {};
    const fields = {
      method: d.method ?? method,
      crc: d.crc ?? crc,
      compressedSize: d.compressedSize ?? body.length,
      size: d.size ?? it.data.length,
    };
    // The local and the central header share a run of fields (version needed … name length),
    // the central one two bytes later.
    const shared = (h: Buffer, at: number): void => {
      h.writeUInt16LE(20, at);
      h.writeUInt16LE(flags, at + 2);
      h.writeUInt16LE(fields.method, at + 4);
      h.writeUInt16LE(DOS_TIME, at + 6);
      h.writeUInt16LE(DOS_DATE, at + 8);
      h.writeUInt32LE(fields.crc, at + 10);
      h.writeUInt32LE(fields.compressedSize, at + 14);
      h.writeUInt32LE(fields.size, at + 18);
      h.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    shared(local, 4);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: Unix, spec 3.0
    shared(central, 6);
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(items.length, 8);
  eocd.writeUInt16LE(items.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/**
 * Traditional PKWARE ("ZipCrypto") encryption, as `zip -P` does it, with a fixed 12-byte header
 * instead of a random one (so that the file is reproducible); `unzip -P` opens it.
 */
function zipCrypto(data: Buffer, password: string, crc: number): Buffer {
  const keys = [0x12345678, 0x23456789, 0x34567890];
  const crcByte = (c: number, b: number): number => (CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)) >>> 0;
  const update = (b: number): void => {
    keys[0] = crcByte(keys[0], b);
    keys[1] = (Math.imul((keys[1] + (keys[0] & 0xff)) >>> 0, 134775813) + 1) >>> 0;
    keys[2] = crcByte(keys[2], keys[1] >>> 24);
  };
  const stream = (): number => {
    const t = (keys[2] | 2) & 0xffff;
    return (Math.imul(t, t ^ 1) >>> 8) & 0xff;
  };
  for (const b of Buffer.from(password, 'latin1')) update(b);
  const header = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, crc >>> 24]);
  const plain = Buffer.concat([header, data]);
  const out = Buffer.alloc(plain.length);
  for (let i = 0; i < plain.length; i++) {
    out[i] = plain[i] ^ stream();
    update(plain[i]);
  }
  return out;
}
