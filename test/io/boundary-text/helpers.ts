/**
 * Shared fixtures of the boundary-text tests: one licence with two blocks (different elevations)
 * and an excluded ring, as point lists from which each test spells the encoding it checks.
 */
import iconv from 'iconv-lite';
import { expect } from 'vitest';
import { InputError } from '../../../server/errors.ts';
import type { Feature } from '../../../server/io/layer.ts';

export const gbk = (text: string): Buffer => iconv.encode(text, 'gbk');
export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** A ring as the registration files have it: [pointNo, X (northing), Y (easting)] … and its terminator. */
export interface FixtureRing {
  points: Array<[number, number, number]>;
  top: number;
  bottom: number;
  remark: string;
  flag: 1 | -1;
}

/**
 * Block 1 (1200–800 m) with an excluded ring listed clockwise (the reader must turn it
 * counter-clockwise), block 2 (1100–900 m) numbered on from the previous ring and closed by
 * repeating its first point under the same number.
 */
export const LICENCE: FixtureRing[] = [
  {
    points: [[1, 3846000, 39500000], [2, 3846000, 39501000], [3, 3845000, 39501000], [4, 3845000, 39500000]],
    top: 1200, bottom: 800, remark: '', flag: 1,
  },
  {
    points: [[1, 3845400, 39500200], [2, 3845400, 39500400], [3, 3845200, 39500400], [4, 3845200, 39500200]],
    top: 1200, bottom: 800, remark: '扣除', flag: -1,
  },
  {
    points: [[5, 3843500, 39502000], [6, 3843500, 39502600.5], [7, 3843000, 39502600.5], [8, 3843000, 39502000], [5, 3843500, 39502000]],
    top: 1100, bottom: 900, remark: '露天开采', flag: 1,
  },
];

/** LICENCE read: easting first, exteriors clockwise, holes counter-clockwise, rings closed. */
export const LICENCE_GEOMETRY = [
  [
    [39500000, 3846000, 39501000, 3846000, 39501000, 3845000, 39500000, 3845000, 39500000, 3846000],
    [39500200, 3845400, 39500200, 3845200, 39500400, 3845200, 39500400, 3845400, 39500200, 3845400],
  ],
  [[39502000, 3843500, 39502600.5, 3843500, 39502600.5, 3843000, 39502000, 3843000, 39502000, 3843500]],
];

export const LICENCE_ATTRIBUTES = { elev_top: 1200, elev_bottom: 800, blocks: 2, block_elevations: '1200,800;1100,900' };

function terminator(r: FixtureRing): string {
  return `${r.top},${r.bottom},${r.remark},${r.flag}`;
}

export function keyedText(rings: FixtureRing[]): string {
  const lines: string[] = [];
  const key = (): string => `XY${String(lines.length + 1).padStart(3, '0')}`;
  for (const r of rings) {
    for (const p of r.points) lines.push(`${key()}=${p.join(',')}`);
    lines.push(`${key()}=标高,${terminator(r)}`);
  }
  return lines.join('\r\n') + '\r\n';
}

export function lineText(rings: FixtureRing[]): string {
  return rings.flatMap((r) => [...r.points.map((p) => p.join(',')), `*,${terminator(r)}`]).join('\n') + '\n';
}

export function stringText(rings: FixtureRing[]): string {
  return [String(rings.length), ...rings.map((r) => [r.points.length, ...r.points.flat(), terminator(r)].join(','))].join(',');
}

/** The geometry as plain arrays, for toEqual. */
export function plain(f: Feature): number[][][] | null {
  return f.geometry ? f.geometry.map((p) => p.map((r) => Array.from(r))) : null;
}

/** The InputError `run` throws (it must throw one). */
export function inputError(run: () => unknown): InputError {
  let caught: unknown = null;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InputError);
  return caught as InputError;
}
