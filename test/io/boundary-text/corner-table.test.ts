import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { cornerTableFeatures, readBoundaryText, readCornerTableCsv, writeCornerTableCsv } from '../../../server/io/boundary-text/index.ts';
import type { TableCell } from '../../../server/io/boundary-text/index.ts';
import { LICENCE, LICENCE_ATTRIBUTES, LICENCE_GEOMETRY, gbk, inputError, plain } from './helpers.ts';

const NAME = '燕岭县北台沟铁矿,一矿';
const SQUARE = [[1, 3845000, 39500000], [2, 3845000, 39501000], [3, 3844000, 39501000], [4, 3844000, 39500000]];

/**
 * LICENCE as table rows of C1 (ring = its position; elevations on the first row of each ring
 * only, the hole's left empty), then C2, one ring without elevations.
 */
function rows(): string[][] {
  const out: string[][] = [];
  LICENCE.forEach((r, k) => r.points.forEach(([no, x, y], i) => {
    const first = i === 0 && r.flag === 1;
    out.push(['C1', i === 0 ? `"${NAME}"` : '', String(k + 1), `J${no}`, String(x), String(y), first ? String(r.top) : '', first ? String(r.bottom) : '']);
  }));
  for (const [no, x, y] of SQUARE) out.push(['C2', '北台沟二矿', '1', String(no), String(x), String(y), '', '']);
  return out;
}
const HEADER = '许可证号,矿山名称,圈号,点号,X坐标(m),Y坐标 (m),开采上限,开采下限';
const csv = (r: string[][] = rows()): string => [HEADER, ...r.map((c) => c.join(','))].join('\r\n') + '\r\n';

const C1 = { licence_id: 'C1', name: NAME, ...LICENCE_ATTRIBUTES };
const C2 = { licence_id: 'C2', name: '北台沟二矿', elev_top: null, elev_bottom: null, blocks: 1, block_elevations: ',' };
const C2_GEOMETRY = [[[39500000, 3845000, 39501000, 3845000, 39501000, 3844000, 39500000, 3844000, 39500000, 3845000]]];

describe('corner-point tables: reading', () => {
  it('a GBK CSV with Chinese headers, quoted names, J-named points, rings and holes by containment', () => {
    const c = readBoundaryText(gbk(csv()), 'in/licences.csv', null);
    expect(c.format).toBe('corner-table');
    expect(c.encoding).toEqual({ name: 'gb18030', how: 'detected' });
    expect(c.fields).toEqual(['licence_id', 'name', 'elev_top', 'elev_bottom', 'blocks', 'block_elevations']);
    expect(c.crsHint).toBeNull();
    expect(c.features.map((f) => [f.index, f.attributes])).toEqual([[0, C1], [1, C2]]);
    expect(plain(c.features[0])).toEqual(LICENCE_GEOMETRY);
    expect(plain(c.features[1])).toEqual(C2_GEOMETRY);
    expect(c.bbox).toEqual([39500000, 3843000, 39502600.5, 3846000]);
  });

  it('UTF-8 with a BOM and LF; tab-separated UTF-16 (Excel "Unicode text")', () => {
    const bom = readCornerTableCsv(Buffer.from(`\uFEFF${csv().replace(/\r\n/g, '\n')}`), 'a.csv', null);
    expect(bom.encoding).toEqual({ name: 'utf-8', how: 'format' });
    expect(bom.features.map((f) => f.attributes)).toEqual([C1, C2]);
    const tsv = [HEADER.split(',').join('\t'), ...rows().map((c) => c.map((x) => x.replace(/"/g, '')).join('\t'))];
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv.join('\r\n'), 'utf16le')]);
    const c = readBoundaryText(utf16, 'a.txt', null);
    expect(c.encoding).toEqual({ name: 'utf-16le', how: 'format' });
    // without quotes the tab-separated name keeps its comma
    expect(c.features.map((f) => f.attributes)).toEqual([C1, C2]);
    expect(plain(c.features[0])).toEqual(LICENCE_GEOMETRY);
  });

  it('spreadsheet rows (numbers, nulls, English headers in any case), no ring or name column', () => {
    const table = {
      header: ['LICENCE_ID', 'Point_No', 'x', 'Y', 'Elev_Top', 'elev_bottom'],
      rows: SQUARE.map(([no, x, y], i): TableCell[] => ['T1', no, x, y, i === 0 ? 300 : null, i === 0 ? '-50' : null]),
    };
    const { fields, features } = cornerTableFeatures(table, 'book.xlsx');
    expect(fields).toEqual(['licence_id', 'elev_top', 'elev_bottom', 'blocks', 'block_elevations']);
    expect(features[0].attributes).toEqual({ licence_id: 'T1', elev_top: 300, elev_bottom: -50, blocks: 1, block_elevations: '300,-50' });
    expect(plain(features[0])).toEqual(C2_GEOMETRY);
    const broken = { ...table, rows: table.rows.map((r, i) => (i === 2 ? ['T1', 4, r[2], r[3], null, null] : r)) };
    expect(inputError(() => cornerTableFeatures(broken, 'book.xlsx')).message).toBe(
      'book.xlsx: feature #0 (T1): row 4: point 4 follows point 2; point numbers must be consecutive',
    );
  });

  it('without a licence column the table is one licence named by the file', () => {
    const text = ['序号,纵坐标,横坐标', ...SQUARE.map((p) => p.join(','))].join('\n');
    const c = readBoundaryText(Buffer.from(text), 'dir/C9.csv', null);
    expect(c.features.map((f) => f.attributes.licence_id)).toEqual(['C9']);
    expect(plain(c.features[0])).toEqual(C2_GEOMETRY);
  });
});

describe('corner-point tables: broken tables', () => {
  const message = (text: string, file = 't.csv'): string => inputError(() => readBoundaryText(gbk(text), file, null)).message;

  it("a licence's rows, or a ring's, not together", () => {
    const r = rows();
    const mixed = [...r.slice(0, 3), r[r.length - 1], ...r.slice(3, r.length - 1)];
    expect(message(csv(mixed))).toBe(
      't.csv: feature #0 (C1): line 6: the rows of licence C1 are not together (it starts at line 2, then other licences come); sort the table by licence',
    );
    const ring = r.map((c, i) => (i === 2 ? [...c.slice(0, 2), '2', ...c.slice(3)] : c));
    expect(message(csv(ring))).toBe('t.csv: feature #0 (C1): line 5: ring 1 starts again after other rings; a ring\'s rows must be together');
  });

  it('missing or doubled columns', () => {
    expect(message('许可证号,X坐标,Y坐标\nC1,1,2\n')).toBe(
      't.csv: a corner-point table needs a point_no column (point_no, 点号, 序号, 拐点号, 拐点编号, 点序号); the header has: 许可证号, X坐标, Y坐标',
    );
    expect(message('点号,X,X坐标,Y\n1,1,1,2\n')).toBe('t.csv: the columns "X" and "X坐标" both look like x; keep one');
    expect(message('名称,面积\n北台沟,12\n')).toMatch(/^t\.csv: not a boundary-point file: expected one of: mining-right corner points as keyed lines/);
  });

  it('bad cells: elevations that differ within a ring, two names, a coordinate, a licence id, a quote', () => {
    const r = rows();
    const cell = (row: number, col: number, v: string): string[][] => r.map((c, i) => (i === row ? c.map((x, j) => (j === col ? v : x)) : c));
    expect(message(csv(cell(1, 6, '1250')))).toBe('t.csv: feature #0 (C1): line 3: elev_top 1250 differs from 1200 (line 2) in ring 1 (from line 2); a ring has one elevation');
    expect(message(csv(cell(8, 7, '1150')))).toBe('t.csv: feature #0 (C1): line 10: the top elevation 1100 is below the bottom elevation 1150');
    expect(message(csv(cell(3, 1, '别的矿')))).toBe(`t.csv: feature #0 (C1): line 5: a second name "别的矿"; the licence is "${NAME}" (line 2)`);
    expect(message(csv(cell(3, 4, '3845000m')))).toBe('t.csv: feature #0 (C1): line 5: the X coordinate "3845000m" is not a number');
    expect(message(csv(cell(3, 3, 'A-4')))).toBe('t.csv: feature #0 (C1): line 5: the point number "A-4" is not a whole number');
    expect(message(csv(cell(3, 0, '')))).toBe('t.csv: line 5: no licence id');
    expect(message(csv(cell(3, 2, '')))).toBe('t.csv: feature #0 (C1): line 5: no ring number');
    // a stray quote swallows the text up to the next quote: in the last row, up to the end
    expect(message(csv(cell(16, 1, '"北台沟')))).toBe('t.csv: line 18: a quoted field is not closed (a " is missing)');
  });

  it('line numbers count the lines of quoted multi-line names', () => {
    const r = rows();
    for (const c of r) if (c[1].startsWith('"')) c[1] = `"${NAME}\n（原北台沟铁矿）"`;
    const bad = r.map((c, i) => (i === 1 ? c.map((x, j) => (j === 5 ? 'y?' : x)) : c));
    expect(message(csv(bad))).toBe('t.csv: feature #0 (C1): line 4: the Y coordinate "y?" is not a number');
  });
});

describe('corner-point tables: writing and reading back', () => {
  const source = readBoundaryText(gbk(csv()), 'in.csv', null).features;

  it('the same licences in GBK and UTF-8 (with a BOM for Excel)', () => {
    for (const encoding of ['gbk', 'utf-8'] as const) {
      const buf = writeCornerTableCsv(source, { encoding });
      expect(buf.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(encoding === 'utf-8');
      const back = readBoundaryText(buf, 'out.csv', null);
      expect(back.format).toBe('corner-table');
      expect(back.features.map((f) => f.attributes)).toEqual([C1, C2]);
      expect(back.features.map(plain)).toEqual([LICENCE_GEOMETRY, C2_GEOMETRY]);
    }
  });

  it('one row per point, elevations on every row of a block', () => {
    const lines = iconv.decode(writeCornerTableCsv(source, { decimals: 1 }), 'gbk').split('\r\n');
    expect(lines.slice(0, 3)).toEqual([
      '许可证号,矿山名称,圈号,点号,X坐标,Y坐标,开采上限,开采下限',
      `C1,"${NAME}",1,1,3846000.0,39500000.0,1200,800`,
      `C1,"${NAME}",1,2,3846000.0,39501000.0,1200,800`,
    ]);
    expect(lines[5]).toBe(`C1,"${NAME}",2,1,3845400.0,39500200.0,1200,800`);
    expect(lines.length).toBe(1 + 12 + 4 + 1);
    // no name column when no licence has a name
    const unnamed = source.map((f) => ({ ...f, attributes: { licence_id: f.attributes.licence_id } }));
    const back = readBoundaryText(writeCornerTableCsv(unnamed), 'out.csv', null);
    expect(back.fields).toEqual(['licence_id', 'elev_top', 'elev_bottom', 'blocks', 'block_elevations']);
    expect(back.features.map((f) => f.attributes.block_elevations)).toEqual([',;,', ',']);
  });
});
