import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readBoundaryText, writeParcelExchange } from '../../../server/io/boundary-text/index.ts';
import { signedArea2 } from '../../../server/io/rings.ts';
import { LICENCE, LICENCE_GEOMETRY, gbk, inputError, keyedText, plain } from './helpers.ts';

const NAME = '燕岭县北台沟铁矿';

const HEADER = [
  '[属性描述]', '格式版本号=1.01版本', '数据产生单位=燕岭县自然资源局', '数据产生日期=2024-05-01', '坐标系=2000国家大地坐标系',
  '几度分带=3', '投影类型=高斯克吕格', '计量单位=米', '带号=39', '精度=0.001', '转换参数=,,,,,,',
];

/** Parcel D001: an exterior and a hole (ring 2). Parcel D002: two parts, the second unclosed and counter-clockwise. */
const PARCELS = [
  '[地块坐标]',
  '10,100.0000,D001,北台沟地块,面,J50G066039,采矿用地,0602,@',
  'J1,1,3846000.000,39500000.000', 'J2,1,3846000.000,39501000.000', 'J3,1,3845000.000,39501000.000', 'J4,1,3845000.000,39500000.000',
  'J1,1,3846000.000,39500000.000',
  'J5,2,3845400.000,39500200.000', 'J6,2,3845200.000,39500200.000', 'J7,2,3845200.000,39500400.000', 'J8,2,3845400.000,39500400.000',
  'J5,2,3845400.000,39500200.000',
  `9,31.0000,D002,${NAME},面,,,,@`,
  'J1,1,3843500,39502000', 'J2,1,3843500,39502600.5', 'J3,1,3843000,39502600.5', 'J4,1,3843000,39502000', 'J1,1,3843500,39502000',
  'J5,2,3843000,39503000', 'J6,2,3843000,39503100', 'J7,2,3843100,39503100', 'J8,2,3843100,39503000',
];
const FILE = [...HEADER, ...PARCELS].join('\r\n') + '\r\n';

const PART2 = [39503000, 3843000, 39503000, 3843100, 39503100, 3843100, 39503100, 3843000, 39503000, 3843000];

describe('land-parcel exchange format: reading', () => {
  it('reads parcels, holes and parts by containment, the attributes, the header and the CRS (GBK)', () => {
    const c = readBoundaryText(gbk(FILE), 'in/parcels.txt', null);
    expect(c.format).toBe('parcel-exchange');
    expect(c.encoding).toEqual({ name: 'gb18030', how: 'detected' });
    expect(c.fields).toEqual(['点数', '面积', '编号', '名称', '图幅号', '用途', '地类编码']);
    expect(c.crsHint).toBe(4527); // CGCS2000 3-degree zone 39, eastings with the zone prefix
    expect(c.header).toEqual({
      格式版本号: '1.01版本', 数据产生单位: '燕岭县自然资源局', 数据产生日期: '2024-05-01', 坐标系: '2000国家大地坐标系', 几度分带: '3',
      投影类型: '高斯克吕格', 计量单位: '米', 带号: '39', 精度: '0.001', 转换参数: ',,,,,,',
    });
    expect(c.features.map((f) => f.attributes)).toEqual([
      { 点数: 10, 面积: 100, 编号: 'D001', 名称: '北台沟地块', 图幅号: 'J50G066039', 用途: '采矿用地', 地类编码: '0602' },
      { 点数: 9, 面积: 31, 编号: 'D002', 名称: NAME, 图幅号: null, 用途: null, 地类编码: null },
    ]);
    expect(c.features.map((f) => f.index)).toEqual([0, 1]);
    expect(plain(c.features[0])).toEqual([LICENCE_GEOMETRY[0]]);
    expect(plain(c.features[1])).toEqual([LICENCE_GEOMETRY[1][0], PART2].map((r) => [r]));
    expect(c.features[1].geometry?.map((p) => Math.sign(signedArea2(p[0])))).toEqual([-1, -1]);
    expect(c.bbox).toEqual([39500000, 3843000, 39503100, 3846000]);
  });

  it('UTF-8 with or without a byte-order mark; a forced encoding wins', () => {
    expect(readBoundaryText(Buffer.from(FILE), 'p.txt', null).encoding).toEqual({ name: 'utf-8', how: 'detected' });
    const bom = readBoundaryText(Buffer.from(`\uFEFF${FILE}`), 'p.txt', null);
    expect(bom.encoding).toEqual({ name: 'utf-8', how: 'format' });
    expect(bom.features[1].attributes.名称).toBe(NAME);
    const forced = readBoundaryText(iconv.encode(FILE, 'gb18030'), 'p.txt', 'gb18030');
    expect(forced.encoding).toEqual({ name: 'gb18030', how: 'option' });
    expect(forced.features[1].attributes.名称).toBe(NAME);
  });

  /** crsHint of FILE with header lines replaced (key → new line, or null to drop it) and eastings edited. */
  function hint(changes: Record<string, string | null>, eastings: (y: string) => string = (y) => y): number | null {
    const header = HEADER.flatMap((l) => {
      const key = l.split('=')[0];
      return key in changes ? (changes[key] === null ? [] : [`${key}=${changes[key]}`]) : [l];
    });
    const parcels = PARCELS.map((l) => (l.startsWith('J') ? l.replace(/,(\d+(\.\d+)?)$/, (_, y: string) => `,${eastings(y)}`) : l));
    return readBoundaryText(gbk([...header, ...parcels].join('\n')), 'p.txt', null).crsHint;
  }
  const noPrefix = (y: string): string => y.slice(2);

  it('the CRS from the header: datum, zone width, zone, and the zone prefix as the coordinates have it', () => {
    expect(hint({}, noPrefix)).toBe(4548); // CGCS2000 3-degree CM 117E
    expect(hint({ 坐标系: '80西安坐标系', 几度分带: '6', 带号: '20' }, (y) => `20${y.slice(2)}`)).toBe(2334);
    expect(hint({ 坐标系: '1954北京坐标系' }, noPrefix)).toBe(2436);
    expect(hint({ 带号: null })).toBe(4527); // the zone prefix names the zone
    expect(hint({ 带号: '39带', 几度分带: '3度' })).toBe(4527);
  });

  it('no CRS hint when the header does not say enough', () => {
    expect(hint({ 几度分带: null })).toBeNull();
    expect(hint({ 坐标系: null })).toBeNull();
    expect(hint({ 坐标系: '地方坐标系' })).toBeNull();
    expect(hint({ 投影类型: 'UTM' })).toBeNull();
    expect(hint({ 带号: null }, noPrefix)).toBeNull();
    expect(readBoundaryText(gbk(PARCELS.join('\n')), 'p.txt', null).crsHint).toBeNull();
  });

  it('refuses a header the coordinates contradict', () => {
    const err = inputError(() => hint({ 带号: '38' }));
    expect(err.message).toBe('p.txt: [属性描述] says 带号=38 but the Y coordinates carry the zone prefix 39 (line 14: 39500000)');
    expect(err.feature).toBeUndefined();
    expect(inputError(() => hint({}, (y) => (y === '39503100' ? y.slice(2) : y))).message).toBe(
      'p.txt: the Y coordinates mix eastings with a zone prefix, 39500000 (line 14), and without, 503100 (line 31)',
    );
    expect(inputError(() => hint({ 几度分带: '6' })).message).toBe('p.txt: [属性描述] says 带号=39, which is not a 6-degree zone in China (13–23)');
    expect(inputError(() => hint({ 几度分带: '4' })).message).toBe('p.txt: [属性描述] 几度分带=4: zones are 3 or 6 degrees wide');
  });
});

describe('land-parcel exchange format: broken files', () => {
  function message(edit: (lines: string[]) => string[]): string {
    return inputError(() => readBoundaryText(gbk(edit([...HEADER, ...PARCELS]).join('\n')), 'p.txt', null)).message;
  }
  const at = (n: number, text: string) => (lines: string[]) => lines.map((l, i) => (i === n - 1 ? text : l));

  it('a 点数 that disagrees with the point lines', () => {
    expect(message(at(13, '11,100.0000,D001,北台沟地块,面,J50G066039,采矿用地,0602,@'))).toBe(
      'p.txt: feature #0 (D001): line 13: 点数 says 11 points but 10 point lines follow (line 14 to line 23)',
    );
    expect(message((l) => l.filter((_, i) => i !== 27))).toBe('p.txt: feature #1 (D002): line 24: 点数 says 9 points but 8 point lines follow (line 25 to line 32)');
  });

  it('bad point lines, parcel lines and sections', () => {
    expect(message(at(15, 'J2,1,3846000.000,39501OOO'))).toBe('p.txt: feature #0 (D001): line 15: the Y coordinate "39501OOO" is not a number');
    expect(message(at(15, 'J2,1,3846000.000'))).toBe('p.txt: feature #0 (D001): line 15: expected a point line "J1,ringNo,X,Y" or a parcel line ending in ",@", found "J2,1,3846000.000"');
    expect(message(at(15, 'J2,0,3846000.000,39501000'))).toBe('p.txt: feature #0 (D001): line 15: the ring number "0" is not a whole number from 1');
    expect(message(at(23, 'J5,1,3845400.000,39500200.000'))).toBe("p.txt: feature #0 (D001): line 23: ring 1 starts again after other rings; a ring's points must be together");
    expect(message(at(24, `9,31.0000,D002,${NAME},线,,,,@`))).toBe('p.txt: feature #1 (D002): line 24: the parcel is a "线"; only polygons (面) are read');
    expect(message(at(24, `9,31.0000,D002,${NAME},面,,,@`))).toBe('p.txt: feature #1: line 24: a parcel line has 9 values "点数,面积,编号,名称,面,图幅号,用途,地类编码,@", found 8');
    expect(message(at(24, `9,三十一,D002,${NAME},面,,,,@`))).toBe('p.txt: feature #1 (D002): line 24: 面积 "三十一" is not a number');
    expect(message((l) => l.filter((_, i) => i !== 12))).toBe('p.txt: line 13: a point line before the first parcel line ("点数,面积,编号,名称,面,图幅号,用途,地类编码,@")');
    expect(message(at(1, '[属性]'))).toBe('p.txt: line 1: unknown section [属性]; expected [属性描述] or [地块坐标]');
    expect(message(at(3, '数据产生单位'))).toBe('p.txt: line 3: expected "key=value" in [属性描述], found "数据产生单位"');
    expect(message(at(3, '带号=39'))).toBe('p.txt: line 9: 带号 is given a second time (first on line 3)');
    expect(message((l) => l.slice(0, 12))).toBe('p.txt: the file holds no parcels (no "点数,面积,编号,名称,面,图幅号,用途,地类编码,@" line in [地块坐标])');
    expect(message((l) => [...l.slice(0, 12), '3,1,D9,,面,,,,@', 'J1,1,1,1', 'J2,1,2,2', 'J3,1,1,1'])).toBe(
      'p.txt: feature #0 (D9): ring 1 (from line 14): 2 distinct points; a ring needs at least 3',
    );
  });
});

describe('land-parcel exchange format: writing and reading back', () => {
  const source = readBoundaryText(gbk(FILE), 'p.txt', null);

  it('the same parcels, header and CRS, in GBK and UTF-8', () => {
    for (const encoding of ['gbk', 'utf-8'] as const) {
      const buf = writeParcelExchange(source.features, { epsg: source.crsHint, header: source.header, encoding });
      const back = readBoundaryText(buf, 'p.txt', null);
      // GBK is read with GB18030, its superset, and reported as such
      expect(back.encoding.name).toBe(encoding === 'gbk' ? 'gb18030' : encoding);
      expect(back.header).toEqual(source.header);
      expect(back.crsHint).toBe(4527);
      expect(back.features.map((f) => f.attributes)).toEqual([source.features[0].attributes, { ...source.features[1].attributes, 点数: 10 }]);
      expect(back.features.map(plain)).toEqual(source.features.map(plain));
    }
  });

  it('writes the Ministry layout: J-named points through the parcel, every ring closed', () => {
    const text = iconv.decode(writeParcelExchange(source.features.slice(1), { epsg: 4527, decimals: 2 }), 'gbk').split('\r\n');
    expect(text).toEqual([
      '[属性描述]', '格式版本号=1.01版本', '数据产生单位=', '数据产生日期=', '坐标系=2000国家大地坐标系', '几度分带=3', '投影类型=高斯克吕格',
      '计量单位=米', '带号=39', '精度=0.01', '转换参数=,,,,,,', '[地块坐标]', `10,31,D002,${NAME},面,,,,@`,
      'J1,1,3843500.00,39502000.00', 'J2,1,3843500.00,39502600.50', 'J3,1,3843000.00,39502600.50', 'J4,1,3843000.00,39502000.00', 'J1,1,3843500.00,39502000.00',
      'J5,2,3843000.00,39503000.00', 'J6,2,3843100.00,39503000.00', 'J7,2,3843100.00,39503100.00', 'J8,2,3843000.00,39503100.00', 'J5,2,3843000.00,39503000.00',
      '',
    ]);
  });

  it('a licence as a parcel: 编号 from the licence id, 面积 in hectares from the geometry, eastings without prefix', () => {
    const licence = readBoundaryText(gbk(keyedText(LICENCE)), 'C7.txt', null).features[0];
    const shifted = { ...licence, geometry: licence.geometry?.map((p) => p.map((r) => r.map((v, i) => (i % 2 === 0 ? v - 39_000_000 : v)))) ?? null };
    const back = readBoundaryText(writeParcelExchange([shifted], { epsg: 4548 }), 'p.txt', null);
    expect(back.crsHint).toBe(4548);
    expect(back.features[0].attributes).toEqual({ 点数: 15, 面积: 126.025, 编号: 'C7', 名称: null, 图幅号: null, 用途: null, 地类编码: null });
    expect(plain(back.features[0])).toEqual(plain(shifted));
  });

  it('refuses a CRS the coordinates do not fit, and CRSs the format cannot state', () => {
    expect(() => writeParcelExchange(source.features, { epsg: 4548 })).toThrow(
      'the coordinates do not fit EPSG:4548: written this way the file would say EPSG:4527',
    );
    expect(() => writeParcelExchange(source.features, { epsg: 4528 })).toThrow(
      'the coordinates do not fit EPSG:4528: [属性描述] says 带号=40 but the Y coordinates carry the zone prefix 39 (feature #0, point J1: 39500000)',
    );
    expect(() => writeParcelExchange(source.features, { epsg: 4490 })).toThrow('EPSG:4490 is CGCS2000');
    const noCrs = readBoundaryText(writeParcelExchange(source.features, { epsg: null }), 'p.txt', null);
    expect(noCrs.crsHint).toBeNull();
    expect(noCrs.header?.坐标系).toBeUndefined();
  });
});
