import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importFile, startRun, startServer, type RunningServer } from '../http/serve.ts';
import { PROJECT_ROOT, UsageError } from './common.ts';

export const SERVE_USAGE = `redline serve [--port N] [--data DIR]    the service and the web app (PORT, REDLINE_DATA, REDLINE_HOST)
  redline start [--port N] [--data DIR]    the same, with the sample county imported and screened on first start`;

const SAMPLE = join(PROJECT_ROOT, 'data', 'sample');
const WEB_DIST = join(PROJECT_ROOT, 'web', 'dist');

function options(argv: string[]): { port?: number; dataDir?: string } {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, data: { type: 'string' } }, strict: true });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port must be a port number, not "${values.port}"`);
  return { ...(port !== undefined ? { port } : {}), ...(values.data ? { dataDir: resolve(values.data) } : {}) };
}

async function serve(argv: string[]): Promise<RunningServer> {
  const webDist = existsSync(join(WEB_DIST, 'index.html')) ? WEB_DIST : null;
  if (!webDist) process.stderr.write('redline: web/dist is not built (npm start builds it): serving the API only\n');
  const outlines = join(SAMPLE, 'county_outline.geojson');
  const running = await startServer({ ...options(argv), webDist, outlines: existsSync(outlines) ? outlines : null, handleSignals: true });
  await running.ready;
  return running;
}

/** `redline serve`: the service on the store as it is. */
export async function serveCommand(argv: string[]): Promise<number> {
  const running = await serve(argv);
  process.stdout.write(`redline is serving ${running.url} (Ctrl-C stops it)\n`);
  await new Promise<void>((done) => running.server.once('close', () => done()));
  return 0;
}

/**
 * `npm start`: the service, and on a new store the sample county imported and screened, so a
 * new user opens the browser on cases already on the map.
 */
export async function startCommand(argv: string[]): Promise<number> {
  const running = await serve(argv);
  const datasets = await running.store.listDatasets();
  if (datasets.length === 0) {
    const by = 'redline start';
    const file = (name: string): string => join(SAMPLE, `${name}.shp`);
    const licences = await importFile(running.store, file('licences'), { kind: 'licences', by });
    const redline = await importFile(running.store, file('redline'), { kind: 'zones', zoneType: 'redline', by });
    const reserve = await importFile(running.store, file('nature_reserve'), { kind: 'zones', zoneType: 'nature_reserve', by });
    const blocks = await importFile(running.store, file('reserve_blocks'), { kind: 'reserves', by });
    const run = await startRun(running.jobs, {
      licences: licences.dataset.id, zones: [redline.dataset.id, reserve.dataset.id], reserves: blocks.dataset.id,
    }, by);
    const done = await running.jobs.waitFor(run.id);
    process.stdout.write(`imported and screened the sample county 燕岭县 (run ${done.status})\n`);
  }
  process.stdout.write(`redline is serving ${running.url} — open it in a browser (Ctrl-C stops it)\n`);
  await new Promise<void>((done) => running.server.once('close', () => done()));
  return 0;
}
