/**
 * Which encoding a shapefile's DBF is in, for tools (ogr2ogr) that would otherwise read it as
 * ISO-8859-1: the .cpg if there is one, else the DBF language byte, else the bytes themselves
 * (valid UTF-8 with some non-ASCII → UTF-8, anything else → GBK, the Chinese default).
 * A helper for scripts and tests; the product has its own detection in server/io.
 */
import fs from 'node:fs';

/** Returns a name GDAL's SHAPE_ENCODING accepts. */
export function detectDbfEncoding(shp: string): string {
  const base = shp.replace(/\.(shp|dbf)$/i, '');
  for (const ext of ['.cpg', '.CPG']) {
    if (fs.existsSync(base + ext)) {
      const cpg = fs.readFileSync(base + ext, 'latin1').trim();
      if (/^(utf-?8|65001)$/i.test(cpg)) return 'UTF-8';
      if (/^(936|cp936|gbk|gb2312|gb18030)$/i.test(cpg)) return 'CP936';
      if (cpg) return cpg;
    }
  }
  const dbf = fs.readFileSync(fs.existsSync(base + '.dbf') ? base + '.dbf' : base + '.DBF');
  const ldid = dbf[29];
  if (ldid === 0x4d || ldid === 0x7a) return 'CP936';
  // Field names count too (they may be Chinese), so look at everything after the fixed header.
  const body = dbf.subarray(32);
  let nonAscii = false;
  for (const b of body) if (b >= 0x80) { nonAscii = true; break; }
  if (!nonAscii) return 'UTF-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return 'UTF-8';
  } catch {
    return 'CP936';
  }
}
