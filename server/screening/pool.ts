import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LicenceFailure, runJob, type OverlayJob } from './job.ts';
import type { TaskResult } from './task.ts';

export type WorkerRequest = { type: 'job'; job: OverlayJob } | { type: 'close' };
export type WorkerReply =
  | { type: 'results'; results: TaskResult[] }
  | { type: 'done' }
  | { type: 'error'; message: string; licence: number | null }
  | { type: 'closed'; maxRssKb: number };

/**
 * Worker processes for the screening jobs. GEOS runs through gdal-async, a native addon that
 * works in one thread per process only (a second thread gets "Module did not self-register"), so
 * parallel overlay means processes. They are started early — a process and GDAL take a tenth of
 * a second to load — so they get ready while the main process reads the input files.
 */
export class OverlayPool {
  private readonly procs: ChildProcess[];
  private closedRss = 0;
  private closing = false;
  private failure: Error | null = null;
  private onFailure: ((e: Error) => void) | null = null;

  /** `workers` processes; 0 runs the jobs in this process. */
  constructor(readonly workers: number) {
    this.procs = Array.from({ length: workers }, () => this.spawn());
  }

  private spawn(): ChildProcess {
    const here = fileURLToPath(import.meta.url);
    const ext = extname(here);
    const script = fileURLToPath(new URL(`./worker${ext}`, import.meta.url));
    // From the TypeScript sources the worker needs the same loader as we have; from dist/ none.
    const execArgv = ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
    const p = fork(script, [], { serialization: 'advanced', execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // Any exit before we close the pool is a failure, by code or by signal (the OOM killer,
    // a crash in GEOS): otherwise its job would never report and the run would hang.
    p.on('exit', (code, signal) => {
      if (!this.closing) this.fail(new Error(`an overlay worker stopped (${signal ?? `exit code ${code}`})`));
    });
    p.on('error', (err) => this.fail(err));
    return p;
  }

  /** Runs the jobs, one at a time per worker, calling `onResults` as results arrive. */
  async run(jobs: OverlayJob[], onResults: (results: TaskResult[]) => void): Promise<void> {
    if (this.workers === 0) {
      for (const job of jobs) await runJob(job, onResults);
      return;
    }
    const queue = [...jobs];
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      this.onFailure = reject;
      if (this.failure) reject(this.failure);
      const next = (p: ChildProcess): void => {
        const job = queue.shift();
        if (job) {
          running++;
          p.send({ type: 'job', job } satisfies WorkerRequest);
        } else if (running === 0) {
          resolve();
        }
      };
      for (const p of this.procs) {
        p.removeAllListeners('message');
        p.on('message', (msg: WorkerReply) => {
          if (msg.type === 'results') onResults(msg.results);
          else if (msg.type === 'error') this.fail(msg.licence === null ? new Error(msg.message) : new LicenceFailure(msg.licence, msg.message));
          else if (msg.type === 'done') {
            running--;
            next(p);
          } else if (msg.type === 'closed') this.closedRss += msg.maxRssKb;
        });
      }
      for (const p of this.procs) next(p);
    });
  }

  /** Stops the workers and returns the sum of their peak resident memory, kB. */
  async close(): Promise<number> {
    this.closing = true;
    await Promise.all(this.procs.filter((p) => p.connected).map((p) => new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.send({ type: 'close' } satisfies WorkerRequest);
    })));
    return this.closedRss;
  }

  /** Ends the workers at once (after an error elsewhere). */
  kill(): void {
    this.closing = true;
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill();
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.kill();
    this.onFailure?.(err);
  }

  /** For tests: the worker processes' ids. */
  get pids(): number[] {
    return this.procs.map((p) => p.pid ?? -1);
  }
}
