import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../server/errors.ts';
import { canonicalEncoding } from '../../server/io/encoding.ts';
import { readLayer } from '../../server/io/layer.ts';
import { NAMES, makeTempDir, ogr2ogr, patchFile, shapefile, square, writeSource } from './fixtures.ts';
import type { SourceFeature } from './fixtures.ts';

const tmp = makeTempDir('dbf');
afterAll(tmp.cleanup);

const chinese: SourceFeature[] = [
  { properties: { 名称: NAMES.mine, 类型: NAMES.redline, 面积: 12.5 }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 1)] } },
  { properties: { 名称: NAMES.reserve, 类型: null, 面积: null }, geometry: { type: 'Polygon', coordinates: [square(2, 0, 1)] } },
];

function gbkShapefile(name: string): { shp: string; dbf: string; cpg: string } {
  const shp = shapefile(tmp.dir, name, chinese, ['ENCODING=CP936']);
  return { shp, dbf: shp.replace(/shp$/, 'dbf'), cpg: shp.replace(/shp$/, 'cpg') };
}

function setLdid(dbf: string, byte: number): void {
  patchFile(dbf, (b) => {
    b[29] = byte;
  });
}

async function expectChineseExact(path: string, options?: { encoding?: string }): Promise<void> {
  const layer = await readLayer(path, options);
  expect(layer.fields).toEqual(['名称', '类型', '面积']);
  expect(layer.features.map((f) => f.attributes)).toEqual([
    { 名称: NAMES.mine, 类型: NAMES.redline, 面积: 12.5 },
    { 名称: NAMES.reserve, 类型: null, 面积: null },
  ]);
}

describe('attribute encoding of GBK and UTF-8 DBFs written by ogr2ogr', () => {
  it('GBK with its .cpg ("CP936")', async () => {
    const f = gbkShapefile('gbk_cpg');
    expect(readFileSync(f.cpg, 'latin1')).toBe('CP936');
    await expectChineseExact(f.shp);
    expect((await readLayer(f.shp)).encoding).toEqual({ name: 'gbk', how: 'cpg' });
  });

  it('GBK without .cpg, language driver byte 0x4D (CP936)', async () => {
    const f = gbkShapefile('gbk_ldid');
    rmSync(f.cpg);
    setLdid(f.dbf, 0x4d);
    await expectChineseExact(f.shp);
    expect((await readLayer(f.shp)).encoding).toEqual({ name: 'gbk', how: 'ldid' });
  });

  it('GBK without .cpg and with a zero language byte: detected', async () => {
    const f = gbkShapefile('gbk_detect');
    rmSync(f.cpg);
    setLdid(f.dbf, 0);
    await expectChineseExact(f.shp);
    expect((await readLayer(f.shp)).encoding).toEqual({ name: 'gb18030', how: 'detected' });
  });

  it('GBK marked 0x57 ("ANSI", the writer\'s code page): detected, not read as Windows-1252', async () => {
    const f = gbkShapefile('gbk_ansi');
    rmSync(f.cpg);
    setLdid(f.dbf, 0x57);
    await expectChineseExact(f.shp);
    expect((await readLayer(f.shp)).encoding?.how).toBe('detected');
  });

  it('GBK whose .cpg wrongly says UTF-8: detected as GB18030', async () => {
    const f = gbkShapefile('gbk_liar');
    writeFileSync(f.cpg, 'UTF-8');
    await expectChineseExact(f.shp);
    expect((await readLayer(f.shp)).encoding).toEqual({ name: 'gb18030', how: 'detected' });
  });

  it.each(['936', 'ANSI 936', 'GB2312', 'gbk', 'GB18030\r\n'])('GBK with a .cpg saying %j', async (label) => {
    const f = gbkShapefile(`gbk_label_${label.replace(/\W/g, '')}`);
    writeFileSync(f.cpg, label);
    await expectChineseExact(f.shp);
    expect((await readLayer(f.shp)).encoding?.how).toBe('cpg');
  });

  it('UTF-8 with .cpg, and without (detected)', async () => {
    const shp = shapefile(tmp.dir, 'utf8', chinese, ['ENCODING=UTF-8']);
    await expectChineseExact(shp);
    expect((await readLayer(shp)).encoding).toEqual({ name: 'utf-8', how: 'cpg' });
    rmSync(shp.replace(/shp$/, 'cpg'));
    await expectChineseExact(shp);
    expect((await readLayer(shp)).encoding).toEqual({ name: 'utf-8', how: 'detected' });
  });

  it('UTF-8 values cut mid-character at the field width (as GDAL 3.6 writes them) stay UTF-8', async () => {
    const src = writeSource(tmp.dir, 'cut', [{ properties: { name: `${NAMES.mine}生态` }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 1)] } }]);
    const shp = `${tmp.dir}/cut.shp`;
    ogr2ogr(['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', shp, src, '-sql', 'SELECT CAST(name AS character(8)) AS name FROM "cut.src"']);
    rmSync(shp.replace(/shp$/, 'cpg'));
    const layer = await readLayer(shp);
    expect(layer.encoding).toEqual({ name: 'utf-8', how: 'detected' });
    expect(layer.features[0].attributes.name).toBe('某某'); // 8 bytes: 某某 and 2 of the 3 bytes of 铁
  });

  it('the caller\'s encoding overrides everything', async () => {
    const f = gbkShapefile('gbk_option');
    writeFileSync(f.cpg, 'UTF-8');
    await expectChineseExact(f.shp, { encoding: 'CP936' });
    expect((await readLayer(f.shp, { encoding: 'cp936' })).encoding).toEqual({ name: 'gbk', how: 'option' });
    const e = await readLayer(f.shp, { encoding: 'klingon' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe(`${f.shp}: unknown encoding "klingon" (try UTF-8, GBK or GB18030)`);
  });
});

describe('encoding labels', () => {
  it.each([
    ['UTF-8', 'utf-8'], ['UTF8', 'utf-8'], ['utf-8\n', 'utf-8'], ['65001', 'utf-8'],
    ['GBK', 'gbk'], ['CP936', 'gbk'], ['936', 'gbk'], ['ANSI 936', 'gbk'], ['GB2312', 'gbk'], ['windows-936', 'gbk'],
    ['GB18030', 'gb18030'], ['54936', 'gb18030'], ['BIG5', 'big5'], ['950', 'big5'],
    ['1252', 'windows-1252'], ['ANSI 1252', 'windows-1252'], ['88591', 'iso-8859-1'], ['ISO-8859-1', 'iso-8859-1'],
    ['437', 'cp437'], ['ANSI', null], ['OEM', null], ['', null], ['no-such-codepage', null],
  ])('%j → %j', (label, name) => {
    expect(canonicalEncoding(label)).toBe(name);
  });
});

describe('DBF field types', () => {
  const typed: SourceFeature[] = [
    { properties: { i: 42, r: -3.25, d: '2024-03-01', big: 'BIG', s: '  lead kept, trail cut   ' }, geometry: null },
    { properties: { i: null, r: null, d: null, big: 7, s: null }, geometry: null },
    { properties: { i: 0, r: 0.5, d: '1999-12-31', big: -1, s: '' }, geometry: null },
  ];
  // ogr2ogr types "d" as Date only when asked; big needs Integer64 to keep its digits.
  const fieldTypes = ['-mapFieldType', 'String=String', '-sql', 'SELECT i, r, CAST(d AS date) AS d, CAST(big AS bigint) AS big, s FROM "types.src"'];

  it('numbers as numbers, blanks as null, dates as YYYY-MM-DD, long integers as their digits', async () => {
    const src = writeSource(tmp.dir, 'types', typed);
    // A JS number cannot hold 1234567890123456789: put the digits into the JSON text directly.
    writeFileSync(src, readFileSync(src, 'utf8').replace('"BIG"', '1234567890123456789'));
    const shp = `${tmp.dir}/types.shp`;
    ogr2ogr(['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', shp, src, ...fieldTypes]);
    const layer = await readLayer(shp);
    expect(layer.kind).toBe('line'); // what ogr2ogr declares for a layer of null geometries
    expect(layer.fields).toEqual(['i', 'r', 'd', 'big', 's']);
    expect(layer.features.map((f) => f.attributes)).toEqual([
      { i: 42, r: -3.25, d: '2024-03-01', big: '1234567890123456789', s: '  lead kept, trail cut' },
      { i: null, r: null, d: null, big: 7, s: null },
      { i: 0, r: 0.5, d: '1999-12-31', big: -1, s: null },
    ]);
    expect(layer.features.every((f) => f.geometry === null)).toBe(true);
  });

  it('logical fields (an N(1) field of a real file retyped to L)', async () => {
    const shp = shapefile(tmp.dir, 'logical', [
      { properties: { ok: 1 }, geometry: null },
      { properties: { ok: 0 }, geometry: null },
      { properties: { ok: null }, geometry: null },
    ]);
    patchFile(shp.replace(/shp$/, 'dbf'), (b) => {
      const headerSize = b.readUInt16LE(8);
      const recordSize = b.readUInt16LE(10);
      const width = b[32 + 16];
      b[32 + 11] = 0x4c; // 'L'
      ['T', 'f', '?'].forEach((v, i) => {
        const at = headerSize + i * recordSize + 1;
        b.fill(0x20, at, at + width);
        b.write(v, at, 'latin1');
      });
    });
    const layer = await readLayer(shp);
    expect(layer.features.map((f) => f.attributes.ok)).toEqual([true, false, null]);
  });

  it('records flagged deleted are kept, so attributes stay aligned with shapes', async () => {
    const shp = shapefile(tmp.dir, 'deleted', chinese, ['ENCODING=UTF-8']);
    patchFile(shp.replace(/shp$/, 'dbf'), (b) => {
      b[b.readUInt16LE(8)] = 0x2a; // '*' on record 0
    });
    const layer = await readLayer(shp);
    expect(layer.features.map((f) => f.attributes.名称)).toEqual([NAMES.mine, NAMES.reserve]);
  });
});

describe('DBF input errors', () => {
  it('truncated .dbf names the file and the record cut off', async () => {
    const shp = shapefile(tmp.dir, 'dbftrunc', chinese, ['ENCODING=UTF-8']);
    const dbf = shp.replace(/shp$/, 'dbf');
    patchFile(dbf, (b) => b.subarray(0, b.length - 10));
    const e = (await readLayer(shp).catch((x: unknown) => x)) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.file).toBe(dbf);
    expect(e.feature).toEqual({ index: 1 });
    expect(e.message).toMatch(/dbftrunc\.dbf: feature #1: truncated: the header announces 2 records of \d+ bytes/);
  });

  it('empty .dbf', async () => {
    const shp = shapefile(tmp.dir, 'dbfempty', chinese, ['ENCODING=UTF-8']);
    const dbf = shp.replace(/shp$/, 'dbf');
    writeFileSync(dbf, Buffer.alloc(0));
    await expect(readLayer(shp)).rejects.toThrow(`${dbf}: the file is empty (0 bytes)`);
  });
});
