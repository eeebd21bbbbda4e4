/**
 * A process for the crash tests to kill (crash.test.ts): it writes to a store and is killed with
 * SIGKILL by the test, mid-way. The store has no test hook: where a test needs the kill to land
 * inside a transaction, the *data* handed to the store carries a tripwire — a property getter
 * that, when the store reads it, tells the test on stdout and then blocks the thread forever.
 *
 *   node --import tsx test/store/crash-child.ts import-block DB N   import N licences, block at the last
 *   node --import tsx test/store/crash-child.ts import DB N         import N licences (killed at any moment)
 *   node --import tsx test/store/crash-child.ts run DB IDS          queue two runs, start one, block while saving its result
 *   node --import tsx test/store/crash-child.ts hold DB IDS         start a run and wait (outside any transaction)
 * IDS is JSON {"licences": n, "zones": n}. Messages are JSON lines on stdout.
 */
import { writeSync } from 'node:fs';
import { SqliteStore } from '../../server/store/sqlite-store.ts';
import { datasetInput, licenceLayer, screeningResult } from './helpers.ts';

function say(message: object): void {
  // writeSync: the message must be out before the thread blocks
  writeSync(1, `${JSON.stringify(message)}\n`);
}

function blockForever(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}

/** A copy of `target` whose `key`, once read, reports `message` and never returns. */
function tripwire<T extends object>(target: T, key: keyof T & string, message: object): T {
  const copy = { ...target };
  Object.defineProperty(copy, key, {
    enumerable: true,
    get(): never {
      say(message);
      return blockForever();
    },
  });
  return copy;
}

const [mode, path, arg] = process.argv.slice(2);
const store = SqliteStore.open(path);

if (mode === 'import' || mode === 'import-block') {
  const n = Number(arg);
  const input = { ...datasetInput('licences', licenceLayer(n, 'big')), name: 'big' };
  // after the report is made (it reads every feature), before the store sees the layer
  if (mode === 'import-block') input.layer.features[n - 1] = tripwire(input.layer.features[n - 1], 'attributes', { blocked: 'import', at: n - 1 });
  say({ importing: n });
  await store.createDataset(input, 'child');
  say({ imported: n });
} else if (mode === 'run' || mode === 'hold') {
  const ids = JSON.parse(arg) as { licences: number; zones: number };
  const input = { licences: ids.licences, zones: [ids.zones], reserves: null, options: null };
  const run = await store.createRun(input, 'child');
  const queued = mode === 'run' ? (await store.createRun(input, 'child')).id : null;
  await store.startRun(run.id);
  await store.runProgress(run.id, 100, 1000);
  say({ runId: run.id, queued });
  if (mode === 'hold') blockForever();
  const result = screeningResult(1000);
  result.licences[900] = tripwire(result.licences[900], 'status', { blocked: 'finishRun', at: 900 });
  await store.finishRun(run.id, result);
  say({ finished: run.id });
} else {
  throw new Error(`unknown mode ${mode}`);
}
await store.close();
