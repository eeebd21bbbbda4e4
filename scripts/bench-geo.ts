/**
 * Micro-benchmarks of the pure geometry kernels, beside the screening benchmark:
 * `node --import tsx scripts/bench-geo.ts`. Prints figures; asserts nothing (tests do that).
 */
import { ellipsoidalArea } from '../server/geo/area.ts';
import { crsFromEpsg } from '../server/geo/crs.ts';
import type { GaussKruger } from '../server/geo/crs-types.ts';
import { fromLonLat, toLonLat } from '../server/geo/projection.ts';

function best(runs: number, f: () => void): number {
  let ms = Infinity;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    f();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

const plane = crsFromEpsg(4527) as GaussKruger;
const n = 2_000_000;
const ll = new Float64Array(2 * n);
for (let i = 0; i < n; i++) {
  ll[2 * i] = 115.5 + 3 * ((i * 7919) % n) / n;
  ll[2 * i + 1] = 18 + 35 * ((i * 104729) % n) / n;
}
const forward = fromLonLat(plane);
const inverse = toLonLat(plane);
const gk = forward(ll);
console.log(`lon/lat → Gauss-Krüger: ${((best(3, () => forward(ll)) * 1e6) / n).toFixed(0)} ns/point (${n} points)`);
console.log(`Gauss-Krüger → lon/lat: ${((best(3, () => inverse(gk)) * 1e6) / n).toFixed(0)} ns/point`);

const ring = new Float64Array(2002);
for (let i = 0; i < 1000; i++) {
  const t = (2 * Math.PI * i) / 1000;
  ring[2 * i] = 39_650_000 + 5000 * Math.cos(t);
  ring[2 * i + 1] = 4_500_000 + 5000 * Math.sin(t);
}
ring[2000] = ring[0];
ring[2001] = ring[1];
const runs = 2000;
const ms = best(3, () => {
  for (let i = 0; i < runs; i++) ellipsoidalArea([[ring]], plane);
});
console.log(`ellipsoidal area: ${((ms * 1000) / runs).toFixed(1)} µs per 1,000-vertex polygon (150 km off the central meridian)`);
