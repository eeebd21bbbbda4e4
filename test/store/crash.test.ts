import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite-store.ts';
import { datasetInput, licenceLayer, ogrinfo, screeningResult, tempDir, validateGpkg, zoneLayer } from './helpers.ts';

/**
 * Crash safety with real processes: a child (crash-child.ts) writes to the store and is killed
 * with SIGKILL — no exit handler, no rollback of its own — and the file is then reopened here.
 */

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');
const tmp = tempDir('crash');
afterAll(() => tmp.cleanup());

interface Child {
  process: ChildProcess;
  /** the next JSON message on the child's stdout that has `key` */
  waitFor(key: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(): Promise<NodeJS.Signals | null>;
}

function start(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: join(dirname(CHILD), '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  const messages: Record<string, unknown>[] = [];
  const waiting: (() => void)[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    messages.push(JSON.parse(line) as Record<string, unknown>);
    waiting.splice(0).forEach((w) => w());
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  return {
    process: child,
    waitFor: (key, timeoutMs = 60_000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${key}" from the child in ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      const check = (): void => {
        const i = messages.findIndex((m) => key in m);
        if (i >= 0) {
          clearTimeout(timer);
          resolve(messages.splice(i, 1)[0]);
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the child exited (${child.exitCode}) without "${key}"; stderr: ${stderr}`));
        } else {
          waiting.push(check);
        }
      };
      check();
    }),
    kill: async () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

function count(path: string, sql: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** After a crash the file must still be a clean GeoPackage (opened by GDAL, which checks). */
function expectClean(path: string): void {
  expect(count(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'")).toBe(0);
  expect(ogrinfo(['-so', path]).stderr).toBe('');
  const v = validateGpkg(path);
  if (v) expect(v.output).toBe('');
}

async function seeded(name: string): Promise<{ path: string; licences: number; zones: number }> {
  const path = join(tmp.dir, name);
  const store = SqliteStore.open(path);
  const licences = await store.createDataset(datasetInput('licences', licenceLayer(10, 'kept')), 'parent');
  const zones = await store.createDataset(datasetInput('zones', zoneLayer()), 'parent');
  await store.close();
  return { path, licences: licences.id, zones: zones.id };
}

describe('a process killed mid-import', () => {
  it('leaves no trace of the dataset, though its rows had reached the disk', async () => {
    const { path } = await seeded('import-block.gpkg');
    const child = start(['import-block', path, '60000']);
    expect(await child.waitFor('blocked')).toEqual({ blocked: 'import', at: 59_999 });
    // 59 999 features were inserted in the open transaction: more than the 16 MB page cache
    // holds, so SQLite spilled pages to the WAL as uncommitted frames (about 20 MB here). The
    // kill lands on a file holding them.
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(4 << 20);
    expect(await child.kill()).toBe('SIGKILL');

    const store = SqliteStore.open(path);
    expect((await store.listDatasets()).map((d) => d.name)).toEqual(['kept', '生态保护红线']);
    expect((await store.audit()).items.map((a) => a.actor)).toEqual(['parent', 'parent']);
    // the next import works and takes the next id: the failed one's AUTOINCREMENT was rolled back too
    const next = await store.createDataset(datasetInput('licences', licenceLayer(3, 'next')), 'parent');
    expect(next.id).toBe(3);
    await store.close();
    expect(count(path, 'SELECT count(*) FROM licences')).toBe(13);
    expect(count(path, 'SELECT count(*) FROM rtree_licences_geom')).toBe(13);
    expectClean(path);
  });

  it('is all or nothing wherever the kill lands', async () => {
    for (const delayMs of [150, 700, 1500]) {
      const { path } = await seeded(`import-${delayMs}.gpkg`);
      const child = start(['import', path, '100000']);
      await child.waitFor('importing');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await child.kill();
      const big = count(path, "SELECT count(*) FROM datasets WHERE name = 'big'");
      const features = count(path, 'SELECT count(*) FROM licences');
      expect([[0, 10], [1, 100_010]]).toContainEqual([big, features]);
      expect(count(path, 'SELECT count(*) FROM rtree_licences_geom')).toBe(features);
      expect(count(path, 'SELECT count(*) FROM audit_log')).toBe(2 + big);
      expectClean(path);
    }
  });
});

describe('a process killed while saving a screening result', () => {
  it('leaves the run without any result; recoverInterrupted marks it failed and re-queues the run not started', async () => {
    const { path, licences, zones } = await seeded('run.gpkg');
    const child = start(['run', path, JSON.stringify({ licences, zones })]);
    const { runId, queued } = (await child.waitFor('runId')) as { runId: number; queued: number };
    await child.waitFor('blocked');
    await child.kill();

    const store = SqliteStore.open(path);
    expect((await store.getRun(runId))?.status).toBe('running');
    expect(await store.recoverInterrupted()).toEqual({ failed: [runId], requeued: [queued] });
    const failed = await store.getRun(runId);
    expect(failed).toMatchObject({ status: 'failed', progress: { done: 100, total: 1000 } });
    expect(failed?.message).toMatch(/^interrupted: .*at 100 of 1000 licences.*run it again/);
    expect(await store.results(runId)).toEqual({ total: 0, items: [] });
    expect(await store.result(runId)).toBeNull();
    expect(await store.exitRanges(runId)).toEqual([]);
    expect(count(path, 'SELECT count(*) FROM zone_overlaps')).toBe(0);
    const audit = await store.audit({ entity: `run:${runId}` });
    expect(audit.items.map((a) => [a.action, a.actor])).toEqual([['run.create', 'child'], ['run.start', 'system'], ['run.recover_failed', 'system']]);
    // recovery is idempotent, and the re-queued run is this process's to run now
    expect(await store.recoverInterrupted()).toEqual({ failed: [], requeued: [] });
    await store.startRun(queued);
    const done = await store.finishRun(queued, screeningResult(20));
    expect(done.status).toBe('done');
    expect((await store.results(queued)).total).toBe(20);
    await store.close();
    expectClean(path);
  });

  it('leaves the runs of a live process alone', async () => {
    const { path, licences, zones } = await seeded('hold.gpkg');
    const child = start(['hold', path, JSON.stringify({ licences, zones })]);
    const { runId } = (await child.waitFor('runId')) as { runId: number };
    const store = SqliteStore.open(path);
    try {
      expect(await store.recoverInterrupted()).toEqual({ failed: [], requeued: [] });
      expect((await store.getRun(runId))?.status).toBe('running');
      await child.kill();
      expect((await store.recoverInterrupted()).failed).toEqual([runId]);
    } finally {
      await store.close();
    }
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
