/**
 * Reserve blocks (储量块段) of mining licences, in plan view: a grid of blocks aligned with the
 * licence's first side, covering part of it and clipped to its outline, as a reserve report's
 * block map draws them. Each block carries its elevation range; a few ranges reach outside the
 * licence's mining range (blocks below the 开采下限 are real, and must not be counted as
 * reserves of the right).
 */
import gdal from 'gdal-async';
import { srsGK } from './crs.ts';
import type { Licence } from './licences.ts';
import { geometryArea } from './measure.ts';
import { MINING_MINERALS } from './names.ts';
import type { Rng } from './prng.ts';
import { closeRing, fromGeometry, toGeometry, type Poly } from './rings.ts';

export interface ReserveBlock {
  blockId: string;
  licenceId: string;
  /** 探明 / 控制 / 推断 */
  category: string;
  oreT: number;
  metalT: number | null;
  top: number;
  bottom: number;
  geom: gdal.Geometry;
  /** elevation range not within the licence's */
  outsideRange: boolean;
}

const ROMAN = ['Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ', 'Ⅴ'];

export function makeReserveBlocks(rng: Rng, licence: Licence, forceOutside: boolean): ReserveBlock[] {
  if (licence.top === null || licence.bottom === null) return [];
  const lic = toGeometry(licence.parts, srsGK);
  if (!lic.isValid()) return [];
  const ring = licence.parts[0][0];
  // Frame along the first side of the first part.
  const ux0 = ring[2] - ring[0];
  const uy0 = ring[3] - ring[1];
  const len = Math.hypot(ux0, uy0);
  const ux = ux0 / len;
  const uy = uy0 / len;
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const p of licence.parts) {
    const r = p[0];
    for (let i = 0; i < r.length; i += 2) {
      const u = (r[i] - ring[0]) * ux + (r[i + 1] - ring[1]) * uy;
      const v = -(r[i] - ring[0]) * uy + (r[i + 1] - ring[1]) * ux;
      uMin = Math.min(uMin, u);
      uMax = Math.max(uMax, u);
      vMin = Math.min(vMin, v);
      vMax = Math.max(vMax, v);
    }
  }
  // The ore body covers a band of the licence: part of its length, most of its width.
  const du = uMax - uMin;
  const dv = vMax - vMin;
  const u0 = uMin + du * rng.uniform(0, 0.4);
  const u1 = u0 + du * rng.uniform(0.3, 0.6);
  const v0 = vMin + dv * rng.uniform(0, 0.2);
  const v1 = vMax - dv * rng.uniform(0, 0.2);
  const nu = rng.int(2, 4);
  const nv = rng.int(1, 3);
  const mineral = MINING_MINERALS.find(([m]) => m.name === licence.mineral)?.[0];
  const range = licence.top - licence.bottom;
  const out: ReserveBlock[] = [];
  let outsideLeft = forceOutside ? 1 : rng.chance(0.1) ? 1 : 0;
  for (let j = 0; j < nv; j++) {
    for (let i = 0; i < nu; i++) {
      const a = u0 + ((u1 - u0) * i) / nu;
      const b = u0 + ((u1 - u0) * (i + 1)) / nu;
      const c = v0 + ((v1 - v0) * j) / nv;
      const d = v0 + ((v1 - v0) * (j + 1)) / nv;
      const xy: number[] = [];
      for (const [u, v] of [[a, c], [b, c], [b, d], [a, d]]) {
        xy.push(ring[0] + u * ux - v * uy, ring[1] + u * uy + v * ux);
      }
      const cell = toGeometry([[closeRing(xy.map((q) => Math.round(q * 100) / 100))]], srsGK);
      const clipped = cell.intersection(lic);
      const parts: Poly[] = fromGeometry(clipped);
      const area = geometryArea(clipped);
      if (parts.length === 0 || area < 2000) continue;
      // Deeper blocks lower down; the ore body sits inside the licence's depth range.
      let top = licence.top - 10 * Math.round((range * rng.uniform(0, 0.3)) / 10);
      let bottom = top - 10 * Math.round((range * rng.uniform(0.3, 0.6)) / 10);
      bottom = Math.max(bottom, licence.bottom);
      let outsideRange = false;
      if (outsideLeft > 0 && (i + j) % 2 === 1) {
        outsideLeft--;
        outsideRange = true;
        if (rng.chance(0.5)) {
          // Straddles the 开采下限: only the part above it is reserves of this right.
          bottom = licence.bottom - 10 * rng.int(5, 15);
        } else {
          // Wholly below it.
          top = licence.bottom - 10 * rng.int(1, 5);
          bottom = top - 10 * rng.int(10, 30);
        }
      }
      const thickness = rng.uniform(3, 20);
      const density = rng.uniform(2.6, 3.4);
      const oreT = Math.round(area * thickness * density);
      const grade = mineral?.grade ?? null;
      const metalT = grade ? Math.round(oreT * rng.uniform(grade[0], grade[1]) * 1e6) / 1e6 : null;
      out.push({
        blockId: `${ROMAN[j]}-${out.filter((q) => q.blockId.startsWith(ROMAN[j])).length + 1}`,
        licenceId: licence.id,
        category: rng.pickWeighted([['探明', 2], ['控制', 3.5], ['推断', 4.5]] as const),
        oreT,
        metalT,
        top,
        bottom,
        geom: toGeometry(parts, srsGK),
        outsideRange,
      });
    }
  }
  return out;
}
