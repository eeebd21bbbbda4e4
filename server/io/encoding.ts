/**
 * Text encodings of attribute data. Chinese shapefiles come in GBK (CP936) as often as in UTF-8,
 * and the declarations (.cpg, the DBF language byte) are missing or wrong often enough that a
 * garbled 某某铁矿 is the classic failure. Policy, strongest evidence first:
 *   user option > .cpg > DBF language driver byte > detection on the raw bytes,
 * except that a declaration the bytes contradict falls through to detection: a declared UTF-8 whose
 * bytes are not valid UTF-8 (decoding them would certainly garble), or a declared GBK over text
 * that is valid UTF-8 with Chinese in it (GBK bytes are almost never valid UTF-8 by chance).
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export type EncodingHow = 'cpg' | 'ldid' | 'detected' | 'format' | 'option';
export interface EncodingChoice {
  /** canonical lower-case name: 'utf-8', 'gbk', 'gb18030', 'big5', 'windows-1252', … */
  name: string;
  how: EncodingHow;
}

/** Decodes bytes [start, end) of a buffer. */
export type Decoder = (buf: Buffer, start: number, end: number) => string;

const ALIASES: Record<string, string> = {
  UTF8: 'utf-8', '65001': 'utf-8',
  // GB2312 files written on Chinese Windows are really CP936 (GBK): treat the whole family alike.
  GBK: 'gbk', '936': 'gbk', GB2312: 'gbk', EUCCN: 'gbk', MS936: 'gbk', XGBK: 'gbk', CHINESE: 'gbk',
  GB18030: 'gb18030', '54936': 'gb18030',
  BIG5: 'big5', '950': 'big5', BIG5HKSCS: 'big5',
  SHIFTJIS: 'shift_jis', SJIS: 'shift_jis', '932': 'shift_jis',
  EUCKR: 'cp949', '949': 'cp949', KSC5601: 'cp949',
  LATIN1: 'iso-8859-1', '88591': 'iso-8859-1', ISO88591: 'iso-8859-1',
  '874': 'windows-874', TIS620: 'windows-874',
};

/**
 * Canonical name for an encoding label as found in .cpg files and user options ("UTF-8", "UTF8",
 * "65001", "CP936", "ANSI 936", "GB2312", "1252", "8859-1", …), or null when the label says nothing
 * definite ("ANSI", "OEM", "SYSTEM" mean the writer's code page, unknowable here) or is unknown.
 */
export function canonicalEncoding(label: string): string | null {
  let key = label.trim().toUpperCase().replace(/^(ANSI|OEM)\s+/, '').replace(/[\s_.-]/g, '');
  if (key === '' || key === 'ANSI' || key === 'OEM' || key === 'SYSTEM') return null;
  key = key.replace(/^(CP|MSCP|WINDOWS|WIN|IBM|CODEPAGE|DOS)(?=\d)/, '');
  const alias = ALIASES[key];
  if (alias) return alias;
  if (/^125\d$/.test(key)) return `windows-${key}`;
  if (/^8859\d{1,2}$/.test(key)) return `iso-8859-${key.slice(4)}`;
  if (/^ISO8859\d{1,2}$/.test(key)) return `iso-8859-${key.slice(7)}`;
  if (/^\d{3}$/.test(key) && iconv.encodingExists(`cp${key}`)) return `cp${key}`;
  const lower = label.trim().toLowerCase();
  return iconv.encodingExists(lower) ? lower : null;
}

/**
 * DBF language driver IDs (byte 29) → code page, after ESRI's and GDAL's tables. 0x00 (none) and
 * 0x57 ("ANSI": the writer's Windows code page, which on Chinese Windows is GBK) are absent on
 * purpose: they decide nothing.
 */
const LDID: Record<number, string> = {
  0x01: 'cp437', 0x02: 'cp850', 0x03: 'windows-1252', 0x08: 'cp865', 0x09: 'cp437', 0x0a: 'cp850',
  0x0b: 'cp437', 0x0d: 'cp437', 0x0e: 'cp850', 0x0f: 'cp437', 0x10: 'cp850', 0x11: 'cp437',
  0x12: 'cp850', 0x13: 'shift_jis', 0x14: 'cp850', 0x15: 'cp437', 0x16: 'cp850', 0x17: 'cp865',
  0x18: 'cp437', 0x19: 'cp437', 0x1a: 'cp850', 0x1b: 'cp437', 0x1c: 'cp863', 0x1d: 'cp850',
  0x1f: 'cp852', 0x22: 'cp852', 0x23: 'cp852', 0x24: 'cp860', 0x25: 'cp850', 0x26: 'cp866',
  0x37: 'cp850', 0x40: 'cp852', 0x4d: 'gbk', 0x4e: 'cp949', 0x4f: 'big5', 0x50: 'windows-874',
  0x58: 'windows-1252', 0x59: 'windows-1252', 0x64: 'cp852', 0x65: 'cp866', 0x66: 'cp865',
  0x67: 'cp861', 0x6a: 'cp737', 0x6b: 'cp857', 0x6c: 'cp863', 0x78: 'big5', 0x79: 'cp949',
  0x7a: 'gbk', 0x7b: 'shift_jis', 0x7c: 'windows-874', 0x86: 'cp737', 0x87: 'cp852', 0x88: 'cp857',
  0xc8: 'windows-1250', 0xc9: 'windows-1251', 0xca: 'windows-1254', 0xcb: 'windows-1253',
  0xcc: 'windows-1257',
};

export function encodingFromLdid(byte: number): string | null {
  return LDID[byte] ?? null;
}

/**
 * End of the bytes [start, end) without a trailing incomplete UTF-8 sequence. Writers that cut
 * strings at the field width in bytes leave half a character at the end of long values; that must
 * not make a UTF-8 file look like GBK, nor print a replacement character.
 */
export function utf8CompleteEnd(buf: Uint8Array, start: number, end: number): number {
  for (let back = 1; back <= 3 && end - back >= start; back++) {
    const b = buf[end - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for the lead
    if (b < 0x80) return end;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}

/** True when bytes [start, end) are valid UTF-8, ignoring a cut-off last character. */
export function isUtf8Slice(buf: Buffer, start: number, end: number): boolean {
  if (isUtf8(buf.subarray(start, end))) return true;
  const e = utf8CompleteEnd(buf, start, end);
  return e < end && isUtf8(buf.subarray(start, e));
}

function isAscii(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return false;
  return true;
}

/** Name of the iconv-lite codec that decodes a canonical encoding. */
function codecName(name: string): string {
  // GB18030 is a strict superset of GBK/GB2312: decoding GBK-family data with it is identical for
  // valid bytes and keeps characters some writers emit beyond GBK.
  return name === 'gbk' ? 'gb18030' : name;
}

export function makeDecoder(name: string): Decoder {
  if (name === 'utf-8') {
    return (buf, start, end) => buf.toString('utf8', start, utf8CompleteEnd(buf, start, end));
  }
  const codec = codecName(name);
  // Most values are ASCII even in Chinese files; latin1Slice is far cheaper than iconv.
  return (buf, start, end) =>
    isAscii(buf, start, end)
      ? buf.toString('latin1', start, end)
      : iconv.decode(buf.subarray(start, end), codec);
}

export interface EncodingEvidence {
  option: string | null;
  cpg: string | null;
  ldid: number | null;
  /**
   * the text's bytes (evaluated only when needed): all ASCII, valid UTF-8 with non-ASCII
   * characters, or not UTF-8
   */
  utf8: () => 'ascii' | 'valid' | 'invalid';
}

/**
 * Chooses the encoding from the evidence. `option` must already be canonical (see
 * canonicalEncoding); the caller reports unknown user labels as input errors.
 */
export function chooseEncoding(ev: EncodingEvidence): EncodingChoice {
  if (ev.option) return { name: ev.option, how: 'option' };
  const declared: Array<[string | null, EncodingHow]> = [
    [ev.cpg === null ? null : canonicalEncoding(ev.cpg), 'cpg'],
    [ev.ldid === null ? null : encodingFromLdid(ev.ldid), 'ldid'],
  ];
  for (const [name, how] of declared) {
    if (name === null) continue;
    // Mislabelled either way: detect instead. Bytes that are not UTF-8 cannot be decoded as
    // UTF-8; and Chinese text that is valid UTF-8 is practically never GBK (GBK lead bytes
    // B0–F7 followed by GBK trail bytes are not UTF-8 sequences), so a stale .cpg loses.
    if (name === 'utf-8' && ev.utf8() === 'invalid') break;
    if (name !== 'utf-8' && ev.utf8() === 'valid') break;
    return { name, how };
  }
  return { name: ev.utf8() === 'invalid' ? 'gb18030' : 'utf-8', how: 'detected' };
}

/**
 * Decodes a whole text file. The user's encoding wins; then a BOM (UTF-16LE, Excel's "Unicode
 * text", or UTF-8); then valid UTF-8 with non-ASCII bytes (GBK text is almost never valid UTF-8
 * by chance); else GB18030, the superset of GBK that Chinese Windows tools write. `implied` is
 * what the format itself says (GeoJSON: UTF-8) and is reported when the bytes agree with it;
 * pure ASCII reads the same in every candidate and is reported as `implied` too.
 */
export function decodeText(
  buf: Buffer, option: string | null, implied: EncodingChoice = { name: 'gb18030', how: 'detected' },
): { text: string; encoding: EncodingChoice } {
  const utf8Bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const utf16Bom = buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe;
  let encoding: EncodingChoice;
  if (option) encoding = { name: option, how: 'option' };
  else if (utf16Bom) encoding = { name: 'utf-16le', how: 'format' };
  else if (utf8Bom) encoding = { name: 'utf-8', how: 'format' };
  else if (isAscii(buf, 0, buf.length)) encoding = implied;
  else if (isUtf8(buf)) encoding = implied.name === 'utf-8' ? implied : { name: 'utf-8', how: 'detected' };
  else encoding = { name: 'gb18030', how: 'detected' };
  // makeDecoder reads all-ASCII spans as Latin-1, which is wrong for UTF-16 (its NUL bytes pass
  // as ASCII), so UTF-16 goes to iconv directly.
  const text = encoding.name.startsWith('utf-16') ? iconv.decode(buf, encoding.name) : makeDecoder(encoding.name)(buf, 0, buf.length);
  // A BOM decodes to U+FEFF whichever codec read it.
  return { text: text.replace(/^\uFEFF/, ''), encoding };
}
