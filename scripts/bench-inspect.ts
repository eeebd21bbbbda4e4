/**
 * Validation-report benchmark: `redline inspect`'s geometry checks and the whole report on the
 * benchmark red line (308 polygons, 1,400,000 vertices; bench-data/, made by the screening
 * benchmark's generator). Median of 5 runs after one warm-up.
 *
 *   npm run bench-inspect
 */
import { crsFromEpsg } from '../server/geo/crs.ts';
import { readLayer } from '../server/io/layer.ts';
import { inspectLayer } from '../server/io/report.ts';
import { validateGeometry } from '../server/io/validate.ts';
import { benchFile, ensureData } from './bench-data.ts';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

ensureData(false);
const read: number[] = [];
const checks: number[] = [];
const report: number[] = [];
let findings = 0;
for (let run = 0; run < 6; run++) {
  let t = performance.now();
  const layer = await readLayer(benchFile('redline.shp'));
  const r = performance.now() - t;
  t = performance.now();
  findings = 0;
  for (const f of layer.features) if (f.geometry) findings += validateGeometry(f.geometry).findings.length;
  const c = performance.now() - t;
  t = performance.now();
  inspectLayer(layer, { crs: crsFromEpsg(4490) });
  const i = performance.now() - t;
  if (run > 0) {
    read.push(r);
    checks.push(c);
    report.push(i);
  }
}
console.log(`bench-data/redline.shp, 308 polygons, 1,400,000 vertices, ${findings} findings; median of 5 (ms):`);
console.log(`| read the shapefile | geometry checks | whole report (checks, ids, lon/lat extent) |`);
console.log(`|---:|---:|---:|`);
console.log(`| ${median(read).toFixed(0)} | ${median(checks).toFixed(0)} | ${median(report).toFixed(0)} |`);
