import Flatbush from 'flatbush';
import { crossingParity } from './predicates.ts';
import type { Ring } from './types.ts';

/**
 * Edges are indexed in runs of this many consecutive edges of a ring: a boundary's neighbouring
 * edges lie close together, so the runs' boxes stay small while the index gets 8× smaller to build
 * and to query (4× faster overall on bench-data/redline.shp than an index of single edges).
 */
const CHUNK = 8;

/** A closed ring without repeated vertices, numbered into the edge list of its feature. */
export interface IndexedRing {
  ring: Ring;
  /** distinct vertices (the closing point not counted) = edges */
  m: number;
  /** global number of its edge 0 */
  firstEdge: number;
  /** position in the ring list */
  id: number;
}

/**
 * The edges of a set of rings (one feature), boxed one by one and indexed in runs of CHUNK, for
 * finding every pair of edges that may meet, and for point-in-ring tests that only look at the
 * edges near the ray.
 */
export class EdgeIndex<T extends IndexedRing> {
  readonly ringOf: Int32Array;
  readonly box: Float64Array;
  readonly start: number[] = [];
  readonly end: number[] = [];
  readonly chunkBox: Float64Array;
  readonly index: Flatbush;

  constructor(readonly entries: T[], edges: number) {
    this.ringOf = new Int32Array(edges);
    const box = (this.box = new Float64Array(4 * edges));
    for (const e of entries) {
      const r = e.ring;
      this.ringOf.fill(e.id, e.firstEdge, e.firstEdge + e.m);
      for (let k = 0; k < e.m; k++) {
        const x1 = r[2 * k], y1 = r[2 * k + 1], x2 = r[2 * k + 2], y2 = r[2 * k + 3];
        const b = 4 * (e.firstEdge + k);
        box[b] = Math.min(x1, x2);
        box[b + 1] = Math.min(y1, y2);
        box[b + 2] = Math.max(x1, x2);
        box[b + 3] = Math.max(y1, y2);
      }
      for (let k = 0; k < e.m; k += CHUNK) {
        this.start.push(e.firstEdge + k);
        this.end.push(e.firstEdge + Math.min(k + CHUNK, e.m));
      }
    }
    const chunks = this.start.length;
    this.chunkBox = new Float64Array(4 * chunks);
    this.index = new Flatbush(chunks, 8, Float64Array);
    for (let c = 0; c < chunks; c++) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let e = this.start[c]; e < this.end[c]; e++) {
        x0 = Math.min(x0, box[4 * e]);
        y0 = Math.min(y0, box[4 * e + 1]);
        x1 = Math.max(x1, box[4 * e + 2]);
        y1 = Math.max(y1, box[4 * e + 3]);
      }
      this.chunkBox.set([x0, y0, x1, y1], 4 * c);
      this.index.add(x0, y0, x1, y1);
    }
    this.index.finish();
  }

  /** Calls `fn` once for every pair of edges whose boxes meet (edges as ring entry + edge number). */
  eachPair(fn: (ea: T, k: number, eb: T, l: number) => void, stop: () => boolean): void {
    const { box, ringOf, entries, start, end, chunkBox } = this;
    let current = 0;
    // Each pair of runs once (cb ≥ current); the filter does the work and keeps nothing.
    const filter = (cb: number): boolean => {
      if (cb < current) return false;
      for (let a = start[current]; a < end[current]; a++) {
        const ax0 = box[4 * a], ay0 = box[4 * a + 1], ax1 = box[4 * a + 2], ay1 = box[4 * a + 3];
        for (let b = cb === current ? a + 1 : start[cb]; b < end[cb]; b++) {
          if (box[4 * b] > ax1 || box[4 * b + 2] < ax0 || box[4 * b + 1] > ay1 || box[4 * b + 3] < ay0) continue;
          const ea = entries[ringOf[a]], eb = entries[ringOf[b]];
          fn(ea, a - ea.firstEdge, eb, b - eb.firstEdge);
        }
      }
      return false;
    };
    for (let c = 0; c < start.length && !stop(); c++) {
      current = c;
      this.index.search(chunkBox[4 * c], chunkBox[4 * c + 1], chunkBox[4 * c + 2], chunkBox[4 * c + 3], filter);
    }
  }

  /** Where (x, y) is relative to ring `e`: 1 inside, -1 outside, 0 on it. */
  locate(e: T, x: number, y: number): number {
    const starts: number[] = [];
    for (const c of this.index.search(x, y, Infinity, y)) {
      for (let g = this.start[c]; g < this.end[c]; g++) {
        if (this.ringOf[g] === e.id) starts.push(2 * (g - e.firstEdge));
      }
    }
    return crossingParity(e.ring, starts, x, y);
  }
}

