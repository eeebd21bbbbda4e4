/**
 * A private, throw-away PostGIS for reference results in tests and benchmarks: its own cluster
 * in a temp dir, on a spare loopback port, removed at the end (also when the process dies on an
 * error or a signal). Never touches a system cluster.
 *
 *   const pg = await startPostgis();          // null when PostGIS is not installed
 *   if (pg) try { await pg.load('licences.shp', 'licences', 'EPSG:4527'); …
 *                 const rows = await pg.query('SELECT 1'); } finally { await pg.stop(); }
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { detectDbfEncoding } from './dbf-encoding.ts';
import { findProcesses, watchPeak, type PeakWatch } from './proc-mem.ts';

export interface PostgisInstall {
  bin: string;
  version: string;
}

/** The newest PostgreSQL under /usr/lib/postgresql with the postgis extension, or why not. */
export function findPostgis(): PostgisInstall | { missing: string } {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) return { missing: `no ${root}/*/bin/initdb (apt-get install postgresql)` };
  const v = versions.find((x) => fs.existsSync(`/usr/share/postgresql/${x}/extension/postgis.control`));
  if (!v) return { missing: `PostgreSQL ${versions.join(', ')} without postgis (apt-get install postgresql-${versions[0]}-postgis-3)` };
  for (const tool of ['ogr2ogr']) {
    if (spawnSync('which', [tool]).status !== 0) return { missing: `${tool} not on PATH (apt-get install gdal-bin)` };
  }
  return { bin: path.join(root, v, 'bin'), version: v };
}

export interface QueryStats {
  rows: string[][];
  /** server-side time of all statements after the first (psql \timing) */
  seconds: number;
  /** peak resident memory of the backend plus any parallel workers, MB (VmHWM, summed) */
  peakRssMb: number;
}

export interface Pg {
  readonly port: number;
  readonly version: string;
  /** Loads a shapefile as `table` (geometry column `geom`, GiST index, MULTIPOLYGON), ANALYZEd. */
  load(shp: string, table: string, tSrs?: string): Promise<void>;
  /** Runs SQL (several statements allowed); rows of every statement that returns some. */
  query(sql: string): Promise<string[][]>;
  /** Like query, with server time and peak memory of the backend serving it. */
  measure(sql: string): Promise<QueryStats>;
  stop(): Promise<void>;
}

const SEP = '\x1f';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; onStdout?: (s: string) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      opts.onStdout?.(stdout);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

function check(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  return r;
}

/** Runs a command as the postgres user when we are root (initdb and postgres refuse root). */
function asPostgres(bin: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [bin, args];
  const quoted = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return ['su', ['postgres', '-s', '/bin/sh', '-c', quoted]];
}

export async function startPostgis(): Promise<Pg | null> {
  const found = findPostgis();
  if ('missing' in found) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-pg-'));
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  fs.mkdirSync(sock);
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString());
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString());
    if (!Number.isFinite(uid) || uid <= 0) throw new Error('startPostgis: running as root but there is no postgres user');
    fs.chownSync(dir, uid, gid);
    fs.chownSync(sock, uid, gid);
  }
  const pgCtl = path.join(found.bin, 'pg_ctl');
  let running = false;
  const stopSync = (): void => {
    if (running) {
      const [c, a] = asPostgres(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      spawnSync(c, a, { stdio: 'ignore' });
      running = false;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Leave no cluster behind when the caller throws or is interrupted.
  const onExit = (): void => stopSync();
  const onSignal = (sig: NodeJS.Signals): void => {
    stopSync();
    process.kill(process.pid, sig);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const detach = (): void => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  try {
    const [ic, ia] = asPostgres(path.join(found.bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '-N']);
    check(await run(ic, ia), 'initdb');
    const port = await freePort();
    const settings = [
      `-p ${port}`, `-k ${sock}`, '-c listen_addresses=127.0.0.1',
      // A scratch cluster: durability buys nothing, and loading 2 M vertices should not wait on fsync.
      '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off',
      '-c shared_buffers=256MB', '-c work_mem=64MB', '-c maintenance_work_mem=256MB',
    ].join(' ');
    const [sc, sa] = asPostgres(pgCtl, ['-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', '-o', settings, 'start']);
    check(await run(sc, sa), 'pg_ctl start');
    running = true;
    const psql = path.join(found.bin, 'psql');
    const conn = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'];
    const psqlArgs = (db: string): string[] => ['-X', '-q', '-A', '-t', '-F', SEP, '-v', 'ON_ERROR_STOP=1', ...conn, '-d', db, '-f', '-'];
    check(await run(psql, psqlArgs('postgres'), { input: 'CREATE DATABASE redline;' }), 'CREATE DATABASE');
    check(await run(psql, psqlArgs('redline'), { input: 'CREATE EXTENSION postgis;' }), 'CREATE EXTENSION postgis');
    const parse = (out: string): string[][] =>
      out.split('\n').filter((l) => l.length > 0 && !l.startsWith('Time: ')).map((l) => l.split(SEP));

    const pg: Pg = {
      port,
      version: found.version,
      async load(shp, table, tSrs) {
        const args = [
          '-f', 'PostgreSQL', `PG:host=127.0.0.1 port=${port} user=postgres dbname=redline`, shp,
          '-nln', table, '-nlt', 'PROMOTE_TO_MULTI', '-lco', 'GEOMETRY_NAME=geom', '-lco', 'FID=fid',
          '-lco', 'SPATIAL_INDEX=GIST', '-lco', 'OVERWRITE=YES',
          '--config', 'SHAPE_ENCODING', detectDbfEncoding(shp),
          // Classify rings by containment, not winding: the licence layer has holes wound like
          // their exteriors, which the default (ONLY_CCW) turns into overlapping parts.
          '--config', 'OGR_ORGANIZE_POLYGONS', 'DEFAULT',
          '--config', 'PG_USE_COPY', 'YES',
          ...(tSrs ? ['-t_srs', tSrs] : []),
        ];
        check(await run('ogr2ogr', args), `ogr2ogr ${shp}`);
        await pg.query(`ANALYZE ${table};`);
      },
      async query(sql) {
        return parse(check(await run(psql, psqlArgs('redline'), { input: sql }), 'psql').stdout);
      },
      async measure(sql) {
        let watch: PeakWatch | null = null;
        const r = await run(psql, psqlArgs('redline'), {
          input: `SELECT pg_backend_pid();\n\\timing on\n${sql}`,
          onStdout: (out) => {
            const nl = out.indexOf('\n');
            if (!watch && nl > 0) {
              const pid = Number(out.slice(0, nl));
              watch = watchPeak(() => [pid, ...parallelWorkers(pid)]);
            }
          },
        });
        const peak = watch ? (watch as PeakWatch).stop() : 0;
        check(r, 'psql');
        const lines = r.stdout.split('\n');
        const seconds = lines
          .filter((l) => l.startsWith('Time: '))
          .reduce((s, l) => s + Number(/Time: ([\d.]+) ms/.exec(l)?.[1] ?? 0) / 1000, 0);
        return { rows: parse(lines.slice(1).join('\n')), seconds, peakRssMb: peak };
      },
      async stop() {
        detach();
        stopSync();
      },
    };
    return pg;
  } catch (e) {
    detach();
    stopSync();
    throw e;
  }
}

/** PIDs of parallel workers serving backend `pid` (their cmdline names it). */
function parallelWorkers(pid: number): number[] {
  return findProcesses((cmdline) => cmdline.includes(`parallel worker for PID ${pid}`));
}
