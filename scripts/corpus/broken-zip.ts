/**
 * Broken and hostile zips, built byte by byte (zip-writer.ts) around the parts of a real GBK
 * shapefile written by ogr2ogr.
 */
import { deflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { Corpus, LICENCES, shapefile } from './broken-base.ts';
import type { ShpSet } from './broken-base.ts';
import { buildZip } from './zip-writer.ts';
import type { ZipItem } from './zip-writer.ts';

/** The zip members of one shapefile, `<prefix>.<ext>` (shp, shx, dbf, prj, cpg). */
function members(set: ShpSet, prefix: string, exts = ['shp', 'shx', 'dbf', 'prj', 'cpg']): ZipItem[] {
  return exts.flatMap((e) => {
    const data = set[e as keyof ShpSet];
    return data ? [{ name: `${prefix}.${e}`, data }] : [];
  });
}

export function zipCases(c: Corpus): void {
  const lic = shapefile(c, LICENCES);
  const ERR = '{dir}/zip';
  const put = (name: string, items: ZipItem[]): string => {
    c.write(`zip/${name}`, buildZip(items));
    return `zip/${name}`;
  };

  c.add({
    file: put('slip.zip', members(lic, '../evil')), case: 'entries named ../evil.* escape the archive folder (zip-slip)',
    expect: `${ERR}/slip.zip: unsafe entry "../evil.shp": its path leaves the archive's folder (zip-slip); refusing the archive`,
  });
  c.add({
    file: put('absolute.zip', members(lic, '/tmp/evil')), case: 'entries with an absolute path /tmp/evil.*',
    expect: `${ERR}/absolute.zip: unsafe entry "/tmp/evil.shp": its path leaves the archive's folder (zip-slip); refusing the archive`,
  });
  c.add({
    file: put('backslash.zip', members(lic, '数据\\..\\..\\evil')),
    case: 'entries escaping with Windows separators: 数据\\..\\..\\evil.*',
    expect: `${ERR}/backslash.zip: unsafe entry "数据/../../evil.shp": its path leaves the archive's folder (zip-slip); refusing the archive`,
  });
  c.add({
    file: put('drive.zip', members(lic, 'C:\\Windows\\evil')), case: 'entries with a Windows drive path C:\\Windows\\evil.*',
    expect: `${ERR}/drive.zip: unsafe entry "C:/Windows/evil.shp": its path leaves the archive's folder (zip-slip); refusing the archive`,
  });

  // A real bomb: the .shp followed by 16 MiB of zeros (bytes after the header's length are
  // ignored by readers, so inflated it would even read), deflated more than 1000:1.
  const padded = Buffer.concat([lic.shp, Buffer.alloc(16 * 1024 * 1024)]);
  const deflated = deflateRawSync(padded, { level: 9 }).length;
  if (padded.length <= 1000 * deflated) throw new Error(`bomb ratio only ${padded.length / deflated}`);
  c.add({
    file: put('bomb-ratio.zip', [{ name: 'mines.shp', data: padded }, ...members(lic, 'mines', ['shx', 'dbf', 'prj'])]),
    case: `mines.shp inflates from ${deflated} bytes to ${padded.length} (more than 1000:1)`,
    expect: `${ERR}/bomb-ratio.zip: refusing "mines.shp": ${deflated} bytes would inflate to ${padded.length} (more than 1000:1, a zip bomb?)`,
  });
  const items = members(lic, 'mines');
  const declare = (ext: string, d: ZipItem['declare']): ZipItem[] =>
    items.map((it) => (it.name === `mines.${ext}` ? { ...it, declare: d } : it));
  const dbfDeflated = deflateRawSync(lic.dbf, { level: 9 }).length;
  c.add({
    file: put('bomb-declared.zip', declare('dbf', { size: 0x7fffffff })),
    case: 'the directory says mines.dbf inflates to 2 GiB from a few hundred bytes',
    expect: `${ERR}/bomb-declared.zip: refusing "mines.dbf": ${dbfDeflated} bytes would inflate to 2147483647 (more than 1000:1, a zip bomb?)`,
  });
  const sizes = lic.shx.length + lic.dbf.length + (lic.prj?.length ?? 0) + (lic.cpg?.length ?? 0);
  c.add({
    file: put('bomb-total.zip', declare('shp', { size: 0xffff0000, compressedSize: 0xfff00000 })),
    case: 'the directory says mines.shp is 4 GiB (compressed 4 GiB, so no ratio alarm): over the total limit',
    expect: `${ERR}/bomb-total.zip: refusing to unpack ${0xffff0000 + sizes} bytes (limit 2147483648): a zip bomb?`,
  });
  c.add({
    file: put('liar.zip', declare('shp', { size: lic.shp.length - 100 })),
    case: 'mines.shp inflates to 100 bytes more than the directory declares',
    expect: `${ERR}/liar.zip: "mines.shp" in the archive inflates to more than its declared ${lic.shp.length - 100} bytes (a zip bomb?)`,
  });
  c.add({
    file: put('crc.zip', declare('prj', { crc: 0x12345678 })), case: 'mines.prj fails its CRC-32 check',
    expect: `${ERR}/crc.zip: corrupt zip archive: "mines.prj" in the archive fails its CRC-32 check`,
  });
  c.add({
    file: put('method.zip', declare('dbf', { method: 14 })), case: 'mines.dbf is said to be compressed with LZMA (method 14)',
    expect: `${ERR}/method.zip: "mines.dbf" in the archive uses compression method 14, which is not supported; zip it again with Deflate`,
  });
  c.add({
    file: put('encrypted.zip', items.map((it) => ({ ...it, password: 'redline' }))),
    case: 'every entry is encrypted (traditional PKWARE encryption, password "redline")',
    expect: `${ERR}/encrypted.zip: "mines.shp" in the archive is encrypted; zip it again without a password`,
  });
  const whole = buildZip(items);
  c.write('zip/truncated.zip', whole.subarray(0, Math.floor(whole.length / 2)));
  c.add({
    file: 'zip/truncated.zip', case: 'the zip is cut off at half its length (no central directory)',
    expect: `${ERR}/truncated.zip: not a readable zip archive (no end-of-archive record): truncated download or not a zip`,
  });
  const cutCd = Buffer.from(whole);
  cutCd.writeUInt32LE(cutCd.readUInt32LE(whole.length - 6) + 4096, whole.length - 6);
  c.write('zip/cd-past-end.zip', cutCd);
  c.add({
    file: 'zip/cd-past-end.zip', case: 'the end record puts the central directory past the end of the file',
    expect: `${ERR}/cd-past-end.zip: truncated zip archive: its directory lies past the end of the file`,
  });
  // RAR 5 signature: a .rar renamed .zip
  c.write('zip/rar.zip', Buffer.concat([Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), Buffer.alloc(64, 0x33)]));
  c.add({
    file: 'zip/rar.zip', case: 'a RAR archive renamed .zip',
    expect: `${ERR}/rar.zip: not a readable zip archive (no end-of-archive record): truncated download or not a zip`,
  });
  c.write('zip/empty.zip', buildZip([]));
  c.add({
    file: 'zip/empty.zip', case: 'an empty zip (end record only, 22 bytes)',
    expect: `${ERR}/empty.zip: the zip holds no shapefile (.shp) (it is empty)`,
  });
  c.add({
    file: put('no-shp.zip', [{ name: '说明.txt', data: iconv.encode('矿权范围见附件', 'gbk') }, { name: '矿权.tab', data: Buffer.from('!table\n') }]),
    case: 'a zip holding a text file and a MapInfo table, no shapefile',
    expect: `${ERR}/no-shp.zip: the zip holds no shapefile (.shp); it holds: 说明.txt, 矿权.tab`,
  });
  c.add({
    file: put('two.zip', [...members(lic, '红线/zones'), ...members(lic, '矿权/mines')]),
    case: 'a zip of two shapefiles: it must name them',
    expect: `${ERR}/two.zip: the zip holds 2 shapefiles, pick one with --layer NAME: 红线/zones.shp, 矿权/mines.shp`,
  });
  c.add({
    file: 'zip/two.zip', read: { layer: 'roads' }, case: 'a zip of two shapefiles, asked for one it does not hold',
    expect: `${ERR}/two.zip: no shapefile "roads" in the zip; it holds: 红线/zones.shp, 矿权/mines.shp`,
  });
  c.add({
    file: put('no-shx.zip', members(lic, 'd/mines', ['shp', 'dbf', 'prj'])), case: 'a zipped shapefile without its .shx',
    expect: `${ERR}/no-shx.zip/d/mines.shp: the index file mines.shx is missing (a shapefile needs .shp, .shx and .dbf)`,
  });
  c.add({
    file: put('bad-member.zip', [{ name: 'mines.shp', data: lic.shp.subarray(0, 300) }, ...members(lic, 'mines', ['shx', 'dbf'])]),
    case: 'a zip whose .shp member is itself truncated: the message names the member inside the zip',
    expect: `${ERR}/bad-member.zip/mines.shp: truncated: the header announces 592 bytes but the file has 300`,
  });

  // Tricky but valid: nested folders with GBK names stored without the UTF-8 flag (Chinese
  // Windows), upper-case extensions and macOS junk that looks like shapefile parts.
  const gbkName = (s: string): Buffer => iconv.encode(s, 'gbk');
  const nested: ZipItem[] = [
    ...(['shp', 'shx', 'dbf', 'prj', 'cpg'] as const).map((e) => ({
      name: gbkName(`项目/2024年/矿权.${e.toUpperCase()}`), data: lic[e] as Buffer,
    })),
    { name: '__MACOSX/项目/2024年/._矿权.SHP', data: Buffer.from('Mac OS X        ATTR') },
    { name: '项目/2024年/._矿权.shp', data: Buffer.from('AppleDouble junk') },
    { name: '项目/readme.txt', data: Buffer.from('see attached') },
  ];
  c.add({
    file: put('nested.zip', nested),
    case: 'TRICKY: nested folders, GBK entry names without the UTF-8 flag, .SHP/.DBF in upper case, __MACOSX and ._ junk',
    ok: true, features: 3, kind: 'polygon', encoding: { name: 'gbk', how: 'cpg' },
    checks: [
      { feature: 0, attributes: { 许可证号: 'C1300002011', 矿山名称: '某某铁矿' }, area: 3_750_000, polygons: 1, rings: [2] },
      { feature: 2, attributes: { 矿山名称: '丙铜矿' }, area: 250_000 },
    ],
  });
}
