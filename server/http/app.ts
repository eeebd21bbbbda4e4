/**
 * The HTTP service: the API (README "The HTTP API", and /api/openapi.json) over the store, and
 * the web app's build at `/`. The app is plain express; `serve.ts` opens the store and listens.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import express from 'express';
import type { Recovery, Store } from '../store/store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import type { Context } from './context.ts';
import { apiNotFound, errorHandler } from './errors.ts';
import { RunJobs } from './jobs.ts';
import { RunCache } from './run-cache.ts';
import { caseRoutes } from './routes/cases.ts';
import { compensationRoutes } from './routes/compensation.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { runRoutes } from './routes/runs.ts';
import { settingsRoutes } from './routes/settings.ts';
import { tileRoutes } from './routes/tiles.ts';
import { TileCache } from './tiles.ts';
import { removeStaleUploads } from './uploads.ts';

export interface AppOptions {
  store: Store;
  /** the web app's build (web/dist), served at `/`; null: API only */
  webDist?: string | null;
  /** GeoJSON of county outlines served at /api/basemap/outlines.geojson; null: an empty collection */
  outlines?: string | null;
  /** upload limit in MB (default REDLINE_MAX_UPLOAD_MB, else 512) */
  maxUploadMb?: number;
  /** overlay processes per run (default one per core; 0 runs in this process) */
  workers?: number;
  /** where uploads wait while imported (default: `uploads/` beside the store's file) */
  uploadDir?: string;
}

export interface App {
  app: express.Express;
  jobs: RunJobs;
  /** resolves once interrupted runs are recovered and re-queued ones started */
  ready: Promise<Recovery>;
  /** stops the jobs (a running run is failed; queued ones wait for the next start); the store stays open */
  close(): Promise<void>;
}

function defaultUploadDir(store: Store): string {
  // under the store's folder: the same disk, and cleaned up with it
  if (store instanceof SqliteStore) return join(dirname(resolve(store.path)), 'uploads');
  return join(tmpdir(), 'redline-uploads');
}

export function createApp(options: AppOptions): App {
  const { store } = options;
  const runs = new RunCache(store);
  const jobs = new RunJobs(store, runs, options.workers);
  const envMb = Number(process.env.REDLINE_MAX_UPLOAD_MB);
  const maxUploadMb = options.maxUploadMb ?? (Number.isFinite(envMb) && envMb > 0 ? envMb : 512);
  const ctx: Context = {
    store,
    jobs,
    runs,
    tiles: new TileCache(),
    uploadDir: options.uploadDir ?? defaultUploadDir(store),
    maxUploadBytes: Math.round(maxUploadMb * 1024 * 1024),
    outlines: options.outlines ?? null,
  };

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use('/api', express.json({ limit: '1mb' }));
  settingsRoutes(app, ctx);
  datasetRoutes(app, ctx);
  runRoutes(app, ctx);
  caseRoutes(app, ctx);
  compensationRoutes(app, ctx);
  tileRoutes(app, ctx);
  app.use('/api', apiNotFound);

  const web = options.webDist ?? null;
  if (web !== null && existsSync(join(web, 'index.html'))) {
    app.use(express.static(web, { index: 'index.html', maxAge: '1h' }));
    // the app routes in the browser: any other page is index.html
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.set('Cache-Control', 'no-cache').sendFile(join(resolve(web), 'index.html'));
    });
  }
  app.use(errorHandler);

  void removeStaleUploads(ctx.uploadDir).catch(() => undefined);
  const ready = jobs.start();
  ready.catch((err: unknown) => process.stderr.write(`redline serve: recovering runs failed: ${String(err)}\n`));
  return { app, jobs, ready, close: () => jobs.close() };
}
