import { describe, expect, it } from 'vitest';
import { readBoundaryText } from '../../../server/io/boundary-text/index.ts';
import { LICENCE, gbk, inputError, keyedText, lineText, stringText, utf8 } from './helpers.ts';

const EXPECTED =
  'expected one of: mining-right corner points as keyed lines ("XY001=1,X,Y" … "XYnnn=标高,top,bottom,,flag"), ' +
  'as a string ("rings,points,1,X,Y,…,top,bottom,remark,flag", or lines "licence_id=string"), ' +
  'or as point lines ("1,X,Y" … closed by "*,top,bottom,,flag"); the land-parcel exchange format ([属性描述], [地块坐标]); ' +
  'or a corner-point table with a header row (licence id, point number, X, Y)';

describe('boundary-point text: format and encoding detection', () => {
  it('tells the formats apart by their content, whatever the extension, after blank lines', () => {
    const cases: Array<[string, string]> = [
      [`\r\n\r\n${keyedText(LICENCE)}`, 'corner-keyed'],
      [`\n${stringText(LICENCE)}\n\n`, 'corner-string'],
      [`C1 = ${stringText(LICENCE)}`, 'corner-string'],
      [lineText(LICENCE), 'corner-line'],
      ['[地块坐标]\n5,1,D1,,面,,,,@\nJ1,1,0,0\nJ2,1,0,10\nJ3,1,10,10\nJ4,1,10,0\nJ1,1,0,0\n', 'parcel-exchange'],
      ['点号,X,Y\n1,0,0\n2,0,10\n3,10,10\n', 'corner-table'],
      ['"点号"\t"X"\t"Y"\n1\t0\t0\n2\t0\t10\n3\t10\t10\n', 'corner-table'],
    ];
    for (const [text, format] of cases) expect(readBoundaryText(gbk(text), 'f.dat', null).format).toBe(format);
  });

  it('GBK unless the bytes say UTF-8; ASCII counts as GBK; an option wins', () => {
    const text = keyedText(LICENCE);
    expect(readBoundaryText(gbk(text), 'f.txt', null).encoding).toEqual({ name: 'gb18030', how: 'detected' });
    expect(readBoundaryText(utf8(text), 'f.txt', null).encoding).toEqual({ name: 'utf-8', how: 'detected' });
    expect(readBoundaryText(utf8(`\uFEFF${text}`), 'f.txt', null).encoding).toEqual({ name: 'utf-8', how: 'format' });
    expect(readBoundaryText(utf8(lineText(LICENCE).replace(/露天开采|扣除/g, '')), 'f.txt', null).encoding).toEqual({ name: 'gb18030', how: 'detected' });
    const forced = readBoundaryText(gbk(text), 'f.txt', 'utf-8');
    expect(forced.encoding).toEqual({ name: 'utf-8', how: 'option' });
    // 标高 read with the wrong encoding is garbled, but a terminator is known by its shape
    expect(forced.features[0].attributes.blocks).toBe(2);
  });

  it('refuses files of none of the formats, naming the formats expected', () => {
    const err = inputError(() => readBoundaryText(gbk('名称,面积\n北台沟,12\n'), 'x.txt', null));
    expect(err.message).toBe(`x.txt: not a boundary-point file: ${EXPECTED}`);
    expect(err.feature).toBeUndefined();
    expect(inputError(() => readBoundaryText(gbk('POLYGON((0 0,1 0,1 1,0 0))'), 'x.txt', null)).message).toBe(`x.txt: not a boundary-point file: ${EXPECTED}`);
    expect(inputError(() => readBoundaryText(gbk(' \r\n\r\n'), 'x.txt', null)).message).toBe('x.txt: the file is empty (no text in it)');
  });
});
