/**
 * A cache of things expensive to build (a run's whole result, a dataset's tile index), bounded
 * by an estimate of their size in bytes rather than by count: one red line of a million vertices
 * weighs as much as a hundred licence layers. Least recently used entries go first. Builds are
 * shared: two requests for the same missing entry build it once.
 */
export class SizedLru<T> {
  private readonly entries = new Map<string, { value: T; bytes: number }>();
  private readonly building = new Map<string, Promise<T>>();
  private total = 0;

  constructor(readonly budgetBytes: number) {}

  async get(key: string, build: () => Promise<{ value: T; bytes: number }>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // re-insert: a Map iterates in insertion order, so the first key is the least recent
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const pending = this.building.get(key);
    if (pending) return pending;
    const p = build().then(({ value, bytes }) => {
      this.put(key, value, bytes);
      return value;
    }).finally(() => this.building.delete(key));
    this.building.set(key, p);
    return p;
  }

  private put(key: string, value: T, bytes: number): void {
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    // the newest entry stays even when it alone is over budget: it is in use
    for (const [k, e] of this.entries) {
      if (this.total <= this.budgetBytes || k === key) break;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  /** Drops every entry whose key starts with `prefix` (a dataset whose CRS changed). */
  invalidate(prefix: string): void {
    for (const [k, e] of this.entries) {
      if (k.startsWith(prefix)) {
        this.entries.delete(k);
        this.total -= e.bytes;
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
