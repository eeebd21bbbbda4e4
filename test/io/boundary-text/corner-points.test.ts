import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readBoundaryText, writeCornerKeyed, writeCornerLine, writeCornerString } from '../../../server/io/boundary-text/index.ts';
import type { Feature } from '../../../server/io/layer.ts';
import { signedArea2 } from '../../../server/io/rings.ts';
import type { FixtureRing } from './helpers.ts';
import { LICENCE, LICENCE_ATTRIBUTES, LICENCE_GEOMETRY, gbk, inputError, keyedText, lineText, plain, stringText } from './helpers.ts';

const EXAMPLE = '1,4,1,3845000,39500000,2,3845000,39501000,3,3844000,39501000,4,3844000,39500000,1200,800,,1';
const NAME = '燕岭县北台沟铁矿';

describe('mining-right corner points: reading', () => {
  it('reads the single string the registration database stores (X northing, Y easting)', () => {
    const c = readBoundaryText(Buffer.from(EXAMPLE), 'data/C1100002011.txt', null);
    expect(c.format).toBe('corner-string');
    expect(c.kind).toBe('polygon');
    expect(c.fields).toEqual(['licence_id', 'elev_top', 'elev_bottom', 'blocks', 'block_elevations']);
    expect(c.crsHint).toBeNull();
    expect(c.encoding).toEqual({ name: 'gb18030', how: 'detected' });
    expect(c.features).toHaveLength(1);
    expect(c.features[0].index).toBe(0);
    expect(c.features[0].attributes).toEqual({ licence_id: 'C1100002011', elev_top: 1200, elev_bottom: 800, blocks: 1, block_elevations: '1200,800' });
    expect(plain(c.features[0])).toEqual([[[39500000, 3845000, 39501000, 3845000, 39501000, 3844000, 39500000, 3844000, 39500000, 3845000]]]);
    expect(c.features[0].repairs).toBeUndefined();
    expect(c.bbox).toEqual([39500000, 3844000, 39501000, 3845000]);
  });

  it('the three encodings of one licence give the same feature: two blocks, an excluded ring, per-block elevations', () => {
    const texts = { 'corner-keyed': keyedText(LICENCE), 'corner-line': lineText(LICENCE), 'corner-string': stringText(LICENCE) };
    for (const [format, text] of Object.entries(texts)) {
      const c = readBoundaryText(gbk(text), `/in/${NAME}.txt`, null);
      expect(c.format).toBe(format);
      expect(c.features).toHaveLength(1);
      const f = c.features[0];
      expect(f.attributes).toEqual({ licence_id: NAME, ...LICENCE_ATTRIBUTES });
      expect(plain(f)).toEqual(LICENCE_GEOMETRY);
      expect(f.geometry?.map((p) => p.map((r) => Math.sign(signedArea2(r))))).toEqual([[-1, 1], [-1]]);
      expect(c.bbox).toEqual([39500000, 3843000, 39502600.5, 3846000]);
    }
  });

  it('trusts the flag, not the remark; unclosed and closed rings alike; extra spaces and a trailing comma', () => {
    const rings: FixtureRing[] = [
      { ...LICENCE[0], remark: '扣除' },
      { ...LICENCE[2], points: LICENCE[2].points.slice(0, 4).map(([, x, y], i) => [i + 1, x, y]), remark: '', flag: 1 },
    ];
    const c = readBoundaryText(gbk(` ${stringText(rings).replace(/,/g, ' , ')} ,`), 'K.txt', null);
    expect(c.features[0].attributes.blocks).toBe(2);
    expect(plain(c.features[0])).toEqual([LICENCE_GEOMETRY[0].slice(0, 1), LICENCE_GEOMETRY[1]]);
  });

  it('lines "licence_id=string": one feature per line, named by the line', () => {
    const text = `C1=${EXAMPLE}\r\n\r\n${NAME}=${stringText(LICENCE)}\r\n`;
    const c = readBoundaryText(gbk(text), 'batch.txt', null);
    expect(c.format).toBe('corner-string');
    expect(c.features.map((f) => [f.index, f.attributes.licence_id, f.attributes.blocks])).toEqual([[0, 'C1', 1], [1, NAME, 2]]);
    expect(plain(c.features[1])).toEqual(LICENCE_GEOMETRY);
  });

  it('empty elevations are null; a repeated vertex is removed and recorded', () => {
    const text = '1,3845000,39500000\n2,3845000,39501000\n3,3845000,39501000\n4,3844000,39501000\n*,,,,1\n';
    const f = readBoundaryText(Buffer.from(text), 'E.txt', null).features[0];
    expect(f.attributes).toEqual({ licence_id: 'E', elev_top: null, elev_bottom: null, blocks: 1, block_elevations: ',' });
    expect(f.repairs).toEqual(['ring 1 (block 1, from line 1): 1 repeated vertices removed']);
  });
});

/** Writes with `write`, reads back as `file`: the feature must come back unchanged. */
function roundTrip(feature: Feature, file: string, write: (f: Feature) => Buffer): Feature {
  const c = readBoundaryText(write(feature), file, null);
  expect(c.features).toHaveLength(1);
  return c.features[0];
}

describe('mining-right corner points: writing and reading back', () => {
  const source = readBoundaryText(gbk(keyedText(LICENCE)), `${NAME}.txt`, null).features[0];

  it('keyed, line and string forms, in GBK and UTF-8', () => {
    for (const write of [writeCornerKeyed, writeCornerLine, (f: Feature, o: { encoding: 'gbk' | 'utf-8' }) => writeCornerString([f], o)]) {
      const asGbk = write(source, { encoding: 'gbk' });
      const asUtf8 = write(source, { encoding: 'utf-8' });
      expect(asUtf8.toString('utf8')).toBe(iconv.decode(asGbk, 'gbk'));
      for (const buf of [asGbk, asUtf8]) {
        const back = readBoundaryText(buf, `${NAME}.txt`, null);
        expect(back.features[0].attributes).toEqual(source.attributes);
        expect(plain(back.features[0])).toEqual(LICENCE_GEOMETRY);
      }
    }
    // only the keyed form has non-ASCII text (标高): the encoding is seen there
    expect(readBoundaryText(writeCornerKeyed(source, { encoding: 'utf-8' }), 'a.txt', null).encoding).toEqual({ name: 'utf-8', how: 'detected' });
    expect(readBoundaryText(writeCornerKeyed(source), 'a.txt', null).encoding).toEqual({ name: 'gb18030', how: 'detected' });
  });

  it('writes what the registration system writes', () => {
    const keyed = writeCornerKeyed(source).toString('latin1');
    expect(keyed.split('\r\n').slice(0, 6)).toEqual([
      'XY001=1,3846000.000,39500000.000', 'XY002=2,3846000.000,39501000.000', 'XY003=3,3845000.000,39501000.000',
      'XY004=4,3845000.000,39500000.000', `XY005=${gbk('标高').toString('latin1')},1200,800,,1`, 'XY006=1,3845400.000,39500200.000',
    ]);
    expect(writeCornerString([source], { decimals: 1 }).toString()).toBe(
      '3,4,1,3846000.0,39500000.0,2,3846000.0,39501000.0,3,3845000.0,39501000.0,4,3845000.0,39500000.0,1200,800,,1,' +
        '4,1,3845400.0,39500200.0,2,3845200.0,39500200.0,3,3845200.0,39500400.0,4,3845400.0,39500400.0,1200,800,,-1,' +
        '4,1,3843500.0,39502000.0,2,3843500.0,39502600.5,3,3843000.0,39502600.5,4,3843000.0,39502000.0,1100,900,,1\r\n',
    );
    expect(writeCornerLine(source).toString().split('\r\n').slice(3, 6)).toEqual(['4,3845000.000,39500000.000', '*,1200,800,,1', '1,3845400.000,39500200.000']);
  });

  it('elev_top/elev_bottom serve every block when there is no block_elevations', () => {
    const f = { ...source, attributes: { licence_id: 'X', elev_top: 500, elev_bottom: -100 } };
    const back = roundTrip(f, 'X.txt', (g) => writeCornerLine(g));
    expect(back.attributes).toEqual({ licence_id: 'X', elev_top: 500, elev_bottom: -100, blocks: 2, block_elevations: '500,-100;500,-100' });
  });

  it('several licences as "licence_id=string" lines, Chinese ids in both encodings', () => {
    const other = readBoundaryText(Buffer.from(EXAMPLE), 'C2.txt', null).features[0];
    for (const encoding of ['gbk', 'utf-8'] as const) {
      const buf = writeCornerString([source, other], { encoding });
      expect(buf.toString(encoding === 'gbk' ? 'latin1' : 'utf8').startsWith(encoding === 'gbk' ? gbk(`${NAME}=3,4,1,`).toString('latin1') : `${NAME}=3,4,1,`)).toBe(true);
      const back = readBoundaryText(buf, 'batch.txt', null);
      expect(back.features.map((f) => f.attributes)).toEqual([source.attributes, other.attributes]);
      expect(back.features.map(plain)).toEqual([plain(source), plain(other)]);
    }
  });

  it('coordinates round to the decimals asked for', () => {
    const odd = readBoundaryText(Buffer.from(EXAMPLE.replace('3845000,39500000', '3845000.123456,39500000.987654')), 'C3.txt', null).features[0];
    const back = roundTrip(odd, 'C3.txt', (f) => writeCornerKeyed(f, { decimals: 2 }));
    const got = plain(back)?.flat(2) ?? [];
    const want = plain(odd)?.flat(2) ?? [];
    expect(got).toHaveLength(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(0.005));
    expect(got[0]).toBe(39500000.99);
    expect(got[1]).toBe(3845000.12);
  });

  it('refuses what it cannot write', () => {
    expect(() => writeCornerKeyed({ geometry: null, attributes: {} })).toThrow('the licence: no geometry to write');
    expect(() => writeCornerString([source, { ...source, attributes: { elev_top: 1 } }])).toThrow('feature #1 has no licence_id to write');
    expect(() => writeCornerLine({ ...source, attributes: { block_elevations: '1,2' } })).toThrow('block_elevations lists 1 blocks but the geometry has 2');
  });
});

describe('mining-right corner points: broken files', () => {
  /** The message of the error reading `text` as C1.txt (one licence named C1). */
  function message(text: string, file = 'C1.txt'): string {
    const err = inputError(() => readBoundaryText(gbk(text), file, null));
    expect(err.file).toBe(file);
    return err.message;
  }

  it('keyed: a key out of order, a block without its terminator, an unknown line', () => {
    expect(message(keyedText(LICENCE).replace('XY003=', 'XY004='))).toBe('C1.txt: feature #0 (C1): line 3: key XY004 is out of order; expected XY003');
    const open = keyedText(LICENCE).split('\r\n').slice(0, 15).join('\r\n');
    expect(message(open)).toBe(
      'C1.txt: feature #0 (C1): ring 3 (from line 11) has no terminator: expected "XYnnn=标高,top,bottom,remark,flag" after its last point (line 15)',
    );
    expect(message(`${keyedText(LICENCE)}[end]\r\n`)).toBe('C1.txt: feature #0 (C1): line 17: expected a line "XYnnn=…", found "[end]"');
    expect(message('XY001=1,3845000,39500000,5\n')).toBe(
      'C1.txt: feature #0 (C1): line 1: expected "pointNo,X,Y" or "标高,top,bottom,remark,flag" after XY001=, found 4 values',
    );
  });

  it('point numbers must be consecutive, and a ring starts at 1 or goes on from the previous ring', () => {
    expect(message(lineText(LICENCE).replace('3,3845000,39501000', '5,3845000,39501000'))).toBe(
      'C1.txt: feature #0 (C1): line 3: point 5 follows point 2; point numbers must be consecutive',
    );
    expect(message(lineText(LICENCE).replace('1,3845400,39500200', '7,3845400,39500200'))).toBe(
      'C1.txt: feature #0 (C1): line 6: ring 2 (excluded from block 1, from line 6) starts with point 7; expected point 1 or 5',
    );
    expect(message(lineText(LICENCE).replace('5,3843500,39502000\n*', '5,3843500,39502001\n*'))).toBe(
      'C1.txt: feature #0 (C1): line 15: point 5 repeats the number of the first point of ring 3 (block 2, from line 11) but not its coordinates',
    );
  });

  it('line form: a block without its terminator', () => {
    expect(message(lineText(LICENCE).replace('*,1100,900,露天开采,1\n', ''))).toBe(
      'C1.txt: feature #0 (C1): ring 3 (from line 11) has no terminator: expected "*,top,bottom,remark,flag" after its last point (line 15)',
    );
  });

  it('string form: point and ring counts that do not match the values', () => {
    expect(message(EXAMPLE.replace('1,4,1', '1,5,1'))).toBe('C1.txt: feature #0 (C1): line 1, value 15: ring 1 declares 5 points but has 4');
    expect(message(EXAMPLE.replace('1,4,1', '1,3,1'))).toBe('C1.txt: feature #0 (C1): line 1, value 12: ring 1 declares 3 points but has more');
    expect(message(EXAMPLE.replace('1,4,1', '2,4,1'))).toBe('C1.txt: feature #0 (C1): line 1: the string ends after 1 of the 2 rings it declares');
    expect(message(`${EXAMPLE},7`)).toBe('C1.txt: feature #0 (C1): line 1, value 19: 1 value left over after the 1 ring the string declares');
    expect(message(`C1=${EXAMPLE}\nC1=${EXAMPLE}\n`, 'b.txt')).toBe('b.txt: feature #1 (C1): line 2: licence C1 appears a second time (first on line 1)');
    expect(message(`C1=${EXAMPLE}\n${EXAMPLE}\n`, 'b.txt')).toMatch(
      /^b\.txt: feature #1: line 2: expected "licence_id=string" \(a file of several strings names each licence\), found "1,4,1,3845000/,
    );
    expect(message(`${EXAMPLE}\n${EXAMPLE}\n`, 'b.txt')).toMatch(/^b\.txt: feature #0: line 1: expected "licence_id=string" \(a file of several/);
  });

  it('a ring with fewer than 3 distinct points; a ring without area', () => {
    expect(message('1,3845000,39500000\n2,3845000,39501000\n3,3845000,39500000\n*,1,0,,1\n')).toBe(
      'C1.txt: feature #0 (C1): ring 1 (block 1, from line 1): 2 distinct points; a ring needs at least 3',
    );
    expect(message('1,3845000,39500000\n2,3845000,39501000\n3,3845000,39502000\n*,1,0,,1\n')).toBe(
      'C1.txt: feature #0 (C1): ring 1 (block 1, from line 1): its points lie on one line (the ring has no area)',
    );
  });

  it('a coordinate or point number that is not a number', () => {
    expect(message(keyedText(LICENCE).replace('3845000,39501000', '3845000,39501O00'))).toBe(
      'C1.txt: feature #0 (C1): line 3: the Y coordinate "39501O00" is not a number',
    );
    // in the string form a point is named by the position of its point number
    expect(message(EXAMPLE.replace('3844000,39501000', ',39501000'))).toBe('C1.txt: feature #0 (C1): line 1, value 9: the X coordinate "" is not a number');
    expect(message(lineText(LICENCE).replace('2,3846000', 'J2,3846000'))).toBe('C1.txt: feature #0 (C1): line 2: the point number "J2" is not a whole number');
  });

  it('excluded rings: before any block, or outside their block; flags and elevations', () => {
    const [block, hole, block2] = LICENCE;
    expect(message(lineText([hole, block]))).toBe(
      'C1.txt: feature #0 (C1): line 5: ring 1 (from line 1) is an excluded ring (flag -1) before any block (flag 1)',
    );
    expect(message(keyedText([block, block2, hole]))).toBe(
      'C1.txt: feature #0 (C1): ring 3 (excluded from block 2, from line 12): the excluded ring (flag -1) does not lie inside its block, ring 2 (block 2, from line 6)',
    );
    expect(message(lineText([block, { ...hole, flag: 2 as -1 }]))).toBe('C1.txt: feature #0 (C1): line 10: the flag "2" must be 1 (a block) or -1 (an excluded ring)');
    expect(message(lineText([{ ...block, top: 700 }]))).toBe('C1.txt: feature #0 (C1): line 5: the top elevation 700 is below the bottom elevation 800');
    expect(message(lineText([block]).replace('*,1200', '*,12OO'))).toBe('C1.txt: feature #0 (C1): line 5: the top elevation "12OO" is not a number');
    const inner = { ...hole, points: [[1, 3845390, 39500210], [2, 3845390, 39500390], [3, 3845210, 39500390], [4, 3845210, 39500210]] as Array<[number, number, number]> };
    expect(message(lineText([block, hole, inner]))).toBe(
      'C1.txt: feature #0 (C1): ring 1 (block 1, from line 1): its excluded rings lie inside one another',
    );
  });
});
