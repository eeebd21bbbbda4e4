import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OverlayTask } from '../geo/overlay.ts';
import { runTask, type TaskResult } from './task.ts';

export type WorkerRequest = { type: 'tasks'; batch: number; tasks: OverlayTask[] } | { type: 'close' };
export type WorkerReply =
  | { type: 'results'; batch: number; results: TaskResult[] }
  | { type: 'error'; batch: number; message: string }
  | { type: 'closed'; maxRssKb: number };

/** Licences per message: enough to amortise IPC, few enough to keep both cores busy to the end. */
const BATCH = 16;
/** Below this many licences, starting processes costs more than it saves. */
const MIN_TASKS_FOR_WORKERS = 64;

function spawnWorker(): ChildProcess {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const script = fileURLToPath(new URL(`./worker${ext}`, import.meta.url));
  // From the TypeScript sources the worker needs the same loader as we have; from dist/ none.
  const execArgv = ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
  return fork(script, [], { serialization: 'advanced', execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export interface PoolStats {
  /** sum of the peak resident memory of the worker processes, kB */
  workersMaxRssKb: number;
}

/**
 * Runs the overlay tasks on `workers` processes (0: in this process), calling `onResult` as
 * results arrive, in any order.
 */
export async function runTasks(
  tasks: readonly OverlayTask[],
  workers: number,
  onResult: (r: TaskResult) => void,
): Promise<PoolStats> {
  if (workers <= 0 || tasks.length < MIN_TASKS_FOR_WORKERS) {
    for (const t of tasks) onResult(runTask(t));
    return { workersMaxRssKb: 0 };
  }
  const batches: OverlayTask[][] = [];
  for (let i = 0; i < tasks.length; i += BATCH) batches.push(tasks.slice(i, i + BATCH));
  const procs = Array.from({ length: Math.min(workers, batches.length) }, spawnWorker);

  return new Promise<PoolStats>((resolve, reject) => {
    let next = 0;
    let pending = batches.length;
    let closed = 0;
    let rss = 0;
    let failed = false;
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      for (const p of procs) p.kill();
      reject(err);
    };
    const feed = (p: ChildProcess): void => {
      if (next < batches.length) {
        const msg: WorkerRequest = { type: 'tasks', batch: next, tasks: batches[next++] };
        p.send(msg);
      }
    };
    for (const p of procs) {
      p.on('message', (msg: WorkerReply) => {
        if (msg.type === 'results') {
          for (const r of msg.results) onResult(r);
          feed(p);
          if (--pending === 0) for (const q of procs) q.send({ type: 'close' } satisfies WorkerRequest);
        } else if (msg.type === 'error') {
          fail(new Error(`overlay failed in batch ${msg.batch}: ${msg.message}`));
        } else {
          rss += msg.maxRssKb;
          if (++closed === procs.length) resolve({ workersMaxRssKb: rss });
        }
      });
      p.on('exit', (code) => {
        if (!failed && closed < procs.length && code !== 0) fail(new Error(`overlay worker exited with code ${code}`));
      });
      p.on('error', fail);
      // Two batches in flight per worker so it never waits for the next one.
      feed(p);
      feed(p);
    }
  });
}
