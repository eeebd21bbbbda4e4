/**
 * CSV as Excel writes it (RFC 4180 quoting, CRLF or LF), or tab-separated text (Excel's "Unicode
 * text"), with the line on which each row starts, for error messages. Rows whose cells are all
 * empty are dropped: Excel leaves such rows after deleted data.
 */
/** Throws the caller's InputError; the reason names the line. */
export type Fail = (reason: string) => never;

export interface DelimitedTable {
  header: string[];
  rows: string[][];
  /** 1-based line number on which each row starts */
  lines: number[];
}

/** Tab-separated when the first line has tabs and no commas; comma-separated otherwise. */
export function delimiterOf(text: string): ',' | '\t' {
  const first = /^[^\r\n]*/.exec(text.replace(/^(\s*(\r\n|\r|\n))+/, ''))?.[0] ?? '';
  return first.includes('\t') && !first.includes(',') ? '\t' : ',';
}

export function parseDelimited(input: string, fail: Fail): DelimitedTable {
  // a byte-order mark read as text would stick to the first column's name
  const text = input.replace(/^\uFEFF/, '');
  const delim = delimiterOf(text);
  const all: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let quoteLine = 0;
  let line = 1;
  let rowLine = 1;
  const endRow = (): void => {
    row.push(field);
    if (row.some((c) => c.trim() !== '')) {
      all.push(row);
      lines.push(rowLine);
    }
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
        continue;
      }
      if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
      field += c;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === delim) {
      row.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
  }
  if (quoted) fail(`line ${quoteLine}: a quoted field is not closed (a " is missing)`);
  endRow();
  if (all.length === 0) fail('the table is empty');
  return { header: all[0], rows: all.slice(1), lines: lines.slice(1) };
}
