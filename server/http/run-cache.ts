/**
 * A done run's whole result (licences with exit and remaining ranges, reserve blocks), rebuilt
 * from the store once and kept while there is room: the case view, the map layers and the run's
 * tiles all read it, and a done run never changes.
 */
import type { ZoneType } from '../screening/fields.ts';
import type { ScreeningResult } from '../screening/types.ts';
import type { Run, Store } from '../store/store.ts';
import { vertexCount } from './geojson.ts';
import { SizedLru } from './lru.ts';

export class RunCache {
  private readonly results: SizedLru<ScreeningResult | null>;
  private readonly zoneTypesOf = new Map<number, ZoneType[]>();

  constructor(private readonly store: Store, budgetBytes = 256 * 1024 * 1024) {
    this.results = new SizedLru(budgetBytes);
  }

  /** The result of a done run; null while it is queued or running, or when it failed. */
  async result(run: Run): Promise<ScreeningResult | null> {
    if (run.status !== 'done') return null;
    return this.results.get(String(run.id), async () => {
      const value = await this.store.result(run.id);
      let vertices = 0;
      for (const l of value?.licences ?? []) vertices += vertexCount(l.exitRangeLonLat) + vertexCount(l.remainingRangeLonLat);
      // about 16 bytes a vertex in Float64Arrays, plus a row's strings and objects
      return { value, bytes: vertices * 16 + (value?.licences.length ?? 0) * 2048 + (value?.blocks.length ?? 0) * 512 };
    });
  }

  remember(runId: number, zoneTypes: ZoneType[]): void {
    this.zoneTypesOf.set(runId, zoneTypes);
  }

  /** The zone types a done run screened against (run.json's zone_types); [] before it is done. */
  async zoneTypes(run: Run): Promise<ZoneType[]> {
    if (run.status !== 'done') return [];
    const known = this.zoneTypesOf.get(run.id) ?? run.summary?.zoneTypes;
    if (known) return known;
    // an older run without them in its summary: from its whole result (geometry and all)
    const types = (await this.result(run))?.zoneTypes ?? [];
    this.zoneTypesOf.set(run.id, types);
    return types;
  }
}
