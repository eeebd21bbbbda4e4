/**
 * Writes the corpus of broken and tricky input files, test/fixtures/broken/, and its
 * manifest.json (what each file is and what redline must say about it), from scratch:
 *
 *   node --import tsx scripts/make-broken-corpus.ts
 *
 * Every file starts as a real one written by GDAL's ogr2ogr (GBK shapefiles, GeoPackage, KML,
 * DXF, FlatGeobuf, CSV with WKT, GeoJSON) and is then damaged at a precise byte, or, for zips,
 * built byte by byte. Dates GDAL would stamp are fixed, so a rerun writes the same bytes. The
 * files are committed; this script documents how each was made. test/io/broken-corpus.test.ts
 * checks every entry.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Corpus } from './corpus/broken-base.ts';
import { crsCases } from './corpus/broken-crs.ts';
import { csvCases, gdalCases, geojsonCases } from './corpus/broken-formats.ts';
import { okCases } from './corpus/broken-ok.ts';
import { shapefileCases } from './corpus/broken-shp.ts';
import { textCases } from './corpus/broken-text.ts';
import { zipCases } from './corpus/broken-zip.ts';

export const CORPUS_DIR = fileURLToPath(new URL('../test/fixtures/broken/', import.meta.url));

function sizeOf(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? sizeOf(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

function main(): void {
  rmSync(CORPUS_DIR, { recursive: true, force: true });
  mkdirSync(CORPUS_DIR, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'redline-corpus-'));
  try {
    const corpus = new Corpus(CORPUS_DIR, tmp);
    shapefileCases(corpus);
    zipCases(corpus);
    crsCases(corpus);
    geojsonCases(corpus);
    gdalCases(corpus);
    csvCases(corpus);
    okCases(corpus);
    textCases(corpus);
    writeFileSync(join(CORPUS_DIR, 'manifest.json'), JSON.stringify(corpus.cases, null, 2) + '\n');
    const ok = corpus.cases.filter((c) => c.ok).length;
    process.stdout.write(
      `${corpus.cases.length} cases (${corpus.cases.length - ok} refused, ${ok} read correctly), ` +
      `${(sizeOf(CORPUS_DIR) / 1024).toFixed(0)} KiB in ${CORPUS_DIR}\n`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
