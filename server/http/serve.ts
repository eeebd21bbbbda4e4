/**
 * Starting the service: the store at `dataDir/redline.gpkg`, the app, a listening server, and a
 * clean stop on SIGINT/SIGTERM (the running screening's workers end, the store's WAL is folded
 * into the file). `redline serve` / `npm start` wrap this; `importFile` and `startRun` let them
 * load the sample county on a first start without going through HTTP.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openStore } from '../store/sqlite-store.ts';
import type { Run, Store } from '../store/store.ts';
import { createApp, type App } from './app.ts';
import { parseDatasetId } from './ids.ts';
import type { RunJobs } from './jobs.ts';

export { importFile, type ImportOptions, type ImportResult } from './import.ts';
export { createApp } from './app.ts';
export type { RunJobs } from './jobs.ts';

export interface ServeOptions {
  /** default PORT, else 8080; 0 picks a free port */
  port?: number;
  /** interface to listen on (default REDLINE_HOST, else 127.0.0.1: the service has no login of its own) */
  host?: string;
  /** the store's folder (default REDLINE_DATA, else ./var) */
  dataDir?: string;
  webDist?: string | null;
  outlines?: string | null;
  workers?: number;
  maxUploadMb?: number;
  /** stop cleanly on SIGINT/SIGTERM (default true) */
  handleSignals?: boolean;
}

export interface RunningServer extends Pick<App, 'app' | 'jobs' | 'ready'> {
  store: Store;
  server: Server;
  port: number;
  url: string;
  /** stops listening, ends open event streams, stops the jobs and closes the store */
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? process.env.REDLINE_DATA ?? 'var';
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore(join(dataDir, 'redline.gpkg'));
  const app = createApp({
    store, webDist: options.webDist ?? null, outlines: options.outlines ?? null,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.maxUploadMb !== undefined ? { maxUploadMb: options.maxUploadMb } : {}),
  });
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 8080);
  const host = options.host ?? process.env.REDLINE_HOST ?? '127.0.0.1';
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
      s.once('error', reject);
    });
  } catch (err) {
    await app.close();
    await store.close();
    throw err;
  }
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= (async () => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    // event streams stay open by design: end them, or close() would wait for ever
    server.closeAllConnections();
    await app.close();
    await stopped;
    await store.close();
  })());
  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.stderr.write(`redline serve: ${signal}, stopping\n`);
      close().then(() => process.exit(0), (err: unknown) => {
        process.stderr.write(`redline serve: stopping failed: ${String(err)}\n`);
        process.exit(1);
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return { app: app.app, jobs: app.jobs, ready: app.ready, store, server, port: actual, url: `http://${shown}:${actual}/`, close };
}

/**
 * Queues a screening of stored datasets, as POST /api/runs does (ids as numbers or `ds_…`);
 * `jobs.waitFor(run.id)` resolves when it is done or failed.
 */
export async function startRun(
  jobs: RunJobs,
  input: { licences: number | string; zones: ReadonlyArray<number | string>; reserves?: number | string | null; sliverM2?: number },
  by = 'system',
): Promise<Run> {
  return jobs.submit({
    licences: parseDatasetId(input.licences),
    zones: input.zones.map(parseDatasetId),
    reserves: input.reserves === undefined || input.reserves === null ? null : parseDatasetId(input.reserves),
    ...(input.sliverM2 !== undefined ? { sliverM2: input.sliverM2 } : {}),
  }, by);
}
