import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../server/errors.ts';
import { readLayer } from '../../server/io/layer.ts';
import { MAX_RATIO } from '../../server/io/zip.ts';
import { NAMES, makeTempDir, patchFile, shapefile, square } from './fixtures.ts';
import type { SourceFeature } from './fixtures.ts';

const tmp = makeTempDir('zip');
afterAll(tmp.cleanup);

const features: SourceFeature[] = [
  { properties: { 名称: NAMES.mine }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 10), square(2, 2, 2)] } },
  { properties: { 名称: NAMES.redline }, geometry: { type: 'Polygon', coordinates: [square(20, 0, 5)] } },
];
const PARTS = ['shp', 'shx', 'dbf', 'prj', 'cpg'];

/** A folder `root/<sub>` holding a GBK shapefile `<stem>.*` written by ogr2ogr. */
function shapefileIn(root: string, sub: string, stem: string): string {
  const dir = join(root, sub);
  mkdirSync(dir, { recursive: true });
  return shapefile(dir, stem, features, ['ENCODING=CP936'], ['-a_srs', 'EPSG:4490']);
}

/** Zips `paths` (relative to `cwd`) with Info-ZIP, in the C locale so names are stored as raw bytes. */
function zip(cwd: string, zipPath: string, paths: string[], extra: string[] = []): string {
  execFileSync('zip', ['-r', '-q', ...extra, zipPath, ...paths], { cwd, env: { ...process.env, LANG: 'C', LC_ALL: 'C' } });
  return zipPath;
}

/** Offset of the central-directory record of the entry whose name ends with `suffix`. */
function centralEntry(buf: Buffer, suffix: string): number {
  for (let p = buf.length - 46; p >= 0; p--) {
    if (buf.readUInt32LE(p) !== 0x02014b50) continue;
    const name = buf.toString('latin1', p + 46, p + 46 + buf.readUInt16LE(p + 28));
    if (name.endsWith(suffix)) return p;
  }
  throw new Error(`no entry ${suffix}`);
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

let single = '';
beforeAll(() => {
  const root = join(tmp.dir, 'single');
  shapefileIn(root, '项目/矿权数据', 'mines');
  single = zip(root, join(tmp.dir, 'single.zip'), ['项目']);
});

describe('zipped shapefiles', () => {
  it('reads the one shapefile of a zip, in nested folders', async () => {
    const layer = await readLayer(single);
    expect(layer.source).toBe(single);
    expect(layer.name).toBe('mines');
    expect(layer.kind).toBe('polygon');
    expect(layer.features.map((f) => f.attributes.名称)).toEqual([NAMES.mine, NAMES.redline]);
    expect(layer.features[0].geometry?.[0]).toHaveLength(2);
    expect(layer.encoding).toEqual({ name: 'gbk', how: 'cpg' });
    expect(layer.prj).toMatch(/China/);
  });

  it('records the zip and each member read, with SHA-256', async () => {
    const layer = await readLayer(single);
    expect(layer.files[0].path).toBe(single);
    expect(layer.files[0].sha256).toBe(createHash('sha256').update(readFileSync(single)).digest('hex'));
    const members = layer.files.slice(1).map((f) => f.path);
    expect(members.sort()).toEqual(PARTS.map((e) => `${single}/项目/矿权数据/mines.${e}`).sort());
    for (const f of layer.files.slice(1)) {
      const onDisk = readFileSync(join(tmp.dir, 'single', f.path.slice(single.length + 1)));
      expect(f.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
    }
  });

  it('decodes GBK entry names (no UTF-8 flag, as Chinese Windows writes them)', async () => {
    const root = join(tmp.dir, 'gbkname');
    const shp = shapefileIn(root, 'd', 'tmp');
    for (const e of PARTS) {
      // The file system takes bytes: name the files in GBK, as a Chinese Windows PC would.
      renameSync(shp.replace(/shp$/, e), Buffer.concat([Buffer.from(join(root, 'd') + '/'), iconv.encode(`矿权.${e}`, 'gbk')]));
    }
    const z = zip(root, join(tmp.dir, 'gbkname.zip'), ['d']);
    const layer = await readLayer(z);
    expect(layer.name).toBe('矿权');
    expect(layer.files[1].path).toBe(`${z}/d/矿权.shp`);
  });

  it('takes extensions in any case and ignores macOS resource forks', async () => {
    const root = join(tmp.dir, 'mixed');
    const shp = shapefileIn(root, 'x', 'Parcels');
    for (const e of PARTS) renameSync(shp.replace(/shp$/, e), shp.replace(/shp$/, e.toUpperCase()));
    mkdirSync(join(root, '__MACOSX/x'), { recursive: true });
    writeFileSync(join(root, '__MACOSX/x/._Parcels.SHP'), Buffer.from('Mac OS X resource fork'));
    writeFileSync(join(root, 'x/._Parcels.SHP'), Buffer.from('AppleDouble'));
    const layer = await readLayer(zip(root, join(tmp.dir, 'mixed.zip'), ['x', '__MACOSX']));
    expect(layer.name).toBe('Parcels');
    expect(layer.features).toHaveLength(2);
  });

  it('several shapefiles: refused with the list, unless one is picked', async () => {
    const root = join(tmp.dir, 'several');
    shapefileIn(root, 'a', 'zones');
    shapefileIn(root, 'b', 'mines');
    const z = zip(root, join(tmp.dir, 'several.zip'), ['a', 'b']);
    const e = await inputError(readLayer(z));
    expect(e.message).toBe(`${z}: the zip holds 2 shapefiles, pick one with --layer NAME: a/zones.shp, b/mines.shp`);
    expect((await readLayer(z, { layer: 'b/mines.shp' })).name).toBe('mines');
    expect((await readLayer(z, { layer: 'zones' })).name).toBe('zones');
  });
});

describe('zip input errors', () => {
  it('no shapefile in the zip', async () => {
    const root = join(tmp.dir, 'none');
    mkdirSync(root);
    writeFileSync(join(root, 'readme.txt'), '说明');
    const z = zip(root, join(tmp.dir, 'none.zip'), ['readme.txt']);
    expect((await inputError(readLayer(z))).message).toBe(`${z}: the zip holds no shapefile (.shp); it holds: readme.txt`);
  });

  it('a member missing: the .dbf', async () => {
    const root = join(tmp.dir, 'nodbf');
    const shp = shapefileIn(root, 'd', 'mines');
    rmSync(shp.replace(/shp$/, 'dbf'));
    const z = zip(root, join(tmp.dir, 'nodbf.zip'), ['d']);
    const e = await inputError(readLayer(z));
    expect(e.message).toBe(`${z}/d/mines.shp: the attribute table mines.dbf is missing (a shapefile needs .shp, .shx and .dbf)`);
  });

  it('entries escaping the folder (zip-slip) and absolute paths', async () => {
    const shp = shapefileIn(join(tmp.dir, 'slip'), '.', 'mines');
    for (const [label, name] of [['dotdot', '../../mines'], ['absolute', '/tmp/mines']]) {
      const z = join(tmp.dir, `slip-${label}.zip`);
      // Info-ZIP and zipfile.write() sanitise such names; a raw ZipInfo keeps what it is given.
      const py = `import zipfile,sys\nwith zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED) as z:\n  for e in ['shp','shx','dbf']: z.writestr(zipfile.ZipInfo(sys.argv[3]+'.'+e), open(sys.argv[2]+'.'+e,'rb').read())`;
      execFileSync('python3', ['-c', py, z, shp.replace(/\.shp$/, ''), name]);
      const e = await inputError(readLayer(z));
      expect(e.message).toBe(`${z}: unsafe entry "${name}.shp": its path leaves the archive's folder (zip-slip); refusing the archive`);
    }
  });

  it('zip bomb: declared sizes beyond the ratio or the total limit', async () => {
    const z = join(tmp.dir, 'bomb.zip');
    copyFileSync(single, z);
    const original = readFileSync(z);
    patchFile(z, (b) => {
      const p = centralEntry(b, 'mines.dbf');
      b.writeUInt32LE(Math.max(2 * 1024 * 1024, (MAX_RATIO + 1) * b.readUInt32LE(p + 20)), p + 24);
    });
    expect((await inputError(readLayer(z))).message).toMatch(/^.*bomb\.zip: refusing "项目\/矿权数据\/mines\.dbf": \d+ bytes would inflate to \d+ \(more than 1000:1, a zip bomb\?\)$/);
    writeFileSync(z, original);
    patchFile(z, (b) => {
      const p = centralEntry(b, 'mines.shp');
      b.writeUInt32LE(0xffff0000, p + 24);
      b.writeUInt32LE(0xfff00000, p + 20);
    });
    expect((await inputError(readLayer(z))).message).toMatch(/refusing to unpack \d+ bytes \(limit 2147483648\): a zip bomb\?$/);
  });

  it('zip bomb: an entry inflating to more than it declares is stopped at the declared size', async () => {
    const z = join(tmp.dir, 'liar.zip');
    copyFileSync(single, z);
    patchFile(z, (b) => {
      const p = centralEntry(b, 'mines.shp');
      b.writeUInt32LE(b.readUInt32LE(p + 24) - 100, p + 24);
    });
    expect((await inputError(readLayer(z))).message).toMatch(/"项目\/矿权数据\/mines\.shp" in the archive inflates to more than its declared \d+ bytes \(a zip bomb\?\)$/);
  });

  it('damaged data fails the CRC check; a truncated zip is reported as such', async () => {
    const z = join(tmp.dir, 'crc.zip');
    copyFileSync(single, z);
    patchFile(z, (b) => {
      const p = centralEntry(b, 'mines.prj');
      b.writeUInt32LE(b.readUInt32LE(p + 16) ^ 1, p + 16);
    });
    expect((await inputError(readLayer(z))).message).toBe(`${z}: corrupt zip archive: "项目/矿权数据/mines.prj" in the archive fails its CRC-32 check`);
    patchFile(z, (b) => b.subarray(0, Math.floor(b.length / 2)));
    expect((await inputError(readLayer(z))).message).toMatch(/not a readable zip archive \(no end-of-archive record\)/);
  });

  it('encrypted entries', async () => {
    const root = join(tmp.dir, 'enc');
    shapefileIn(root, 'd', 'mines');
    const z = zip(root, join(tmp.dir, 'enc.zip'), ['d'], ['-P', 'secret']);
    expect((await inputError(readLayer(z))).message).toMatch(/"d\/mines\.\w+" in the archive is encrypted; zip it again without a password$/);
  });
});
