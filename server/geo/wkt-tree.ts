/**
 * A small reader for the bracket syntax shared by ESRI .prj files, OGC WKT1 and WKT2:
 * KEYWORD["text", 123.4, BAREWORD, KEYWORD[…], …] (round brackets allowed too). It only builds
 * the tree; crs-wkt.ts gives it meaning. Written by hand so production code needs no GDAL.
 */

export interface WktNode {
  /** upper-cased keyword */
  keyword: string;
  args: WktArg[];
}

/** Quoted text and bare words (enumerations such as NORTH) are both strings. */
export type WktArg = WktNode | string | number;

/** .prj files are a few kilobytes; refuse anything absurd rather than spin on it. */
const MAX_LENGTH = 1_000_000;
const MAX_DEPTH = 64;

export function parseWkt(text: string): WktNode {
  if (text.length > MAX_LENGTH) throw new Error(`not a WKT CRS: ${text.length} characters long`);
  let pos = 0;
  const src = text.replace(/^\uFEFF/, '');

  const fail = (what: string): never => {
    const near = src.slice(Math.max(0, pos - 20), pos + 20).replace(/\s+/g, ' ');
    throw new Error(`not a WKT CRS: ${what} at character ${pos} (near "${near}")`);
  };
  const skipSpace = (): void => {
    while (pos < src.length && /\s/.test(src[pos])) pos++;
  };
  const word = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(pos, pos + 200));
    if (!m) return fail('expected a keyword');
    pos += m[0].length;
    return m[0];
  };
  const quoted = (): string => {
    pos++; // opening quote
    let out = '';
    for (;;) {
      const q = src.indexOf('"', pos);
      if (q < 0) return fail('unterminated quoted text');
      out += src.slice(pos, q);
      pos = q + 1;
      // WKT2 writes a quote inside text as two quotes
      if (src[pos] === '"') {
        out += '"';
        pos++;
      } else {
        return out;
      }
    }
  };
  const number = (): number => {
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(pos, pos + 64));
    if (!m) return fail('expected a number');
    pos += m[0].length;
    return Number(m[0]);
  };
  const node = (depth: number): WktNode => {
    if (depth > MAX_DEPTH) fail('brackets nested too deeply');
    const keyword = word().toUpperCase();
    skipSpace();
    const open = src[pos];
    if (open !== '[' && open !== '(') return fail(`expected "[" after ${keyword}`);
    const close = open === '[' ? ']' : ')';
    pos++;
    const args: WktArg[] = [];
    skipSpace();
    if (src[pos] === close) {
      pos++;
      return { keyword, args };
    }
    for (;;) {
      skipSpace();
      const ch = src[pos];
      if (ch === '"') args.push(quoted());
      else if (ch !== undefined && /[-+.\d]/.test(ch)) args.push(number());
      else if (ch !== undefined && /[A-Za-z_]/.test(ch)) {
        const save = pos;
        word();
        skipSpace();
        const next = src[pos];
        pos = save;
        if (next === '[' || next === '(') args.push(node(depth + 1));
        else {
          args.push(word());
        }
      } else fail('expected a value');
      skipSpace();
      if (src[pos] === ',') {
        pos++;
        continue;
      }
      if (src[pos] === close) {
        pos++;
        return { keyword, args };
      }
      return fail(`expected "," or "${close}"`);
    }
  };

  skipSpace();
  if (pos >= src.length) fail('the text is empty');
  const root = node(0);
  skipSpace();
  if (pos < src.length) fail('unexpected text after the CRS');
  return root;
}

/** Direct children with one of the keywords. */
export function children(n: WktNode, ...keywords: string[]): WktNode[] {
  return n.args.filter((a): a is WktNode => typeof a === 'object' && keywords.includes(a.keyword));
}

export function child(n: WktNode, ...keywords: string[]): WktNode | undefined {
  return children(n, ...keywords)[0];
}

/** The node's name: its first argument when that is text. */
export function nameOf(n: WktNode | undefined): string {
  const a = n?.args[0];
  return typeof a === 'string' ? a : '';
}

/** The n-th argument when it is a number. */
export function numArg(n: WktNode | undefined, i: number): number | undefined {
  const a = n?.args[i];
  return typeof a === 'number' ? a : undefined;
}

/** The EPSG code in a direct AUTHORITY["EPSG","4527"] (WKT1) or ID["EPSG",4527] (WKT2) child. */
export function epsgCodeOf(n: WktNode): number | null {
  for (const a of children(n, 'AUTHORITY', 'ID')) {
    if (nameOf(a).toUpperCase() !== 'EPSG') continue;
    const v = Number(a.args[1]);
    if (Number.isInteger(v) && v > 0) return v;
  }
  return null;
}
