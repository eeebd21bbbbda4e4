import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from '../../server/http/app.ts';
import { startServer, type RunningServer } from '../../server/http/serve.ts';
import type { Store } from '../../server/store/store.ts';
import { openStore } from '../../server/store/sqlite-store.ts';
import { tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * The service as the web app meets it: a real server on a loopback port over a real store file
 * in a temporary folder, spoken to with Node's fetch (multipart built with FormData and Blob,
 * server-sent events read from the response stream).
 */

export const SAMPLE = join(import.meta.dirname, '..', '..', 'data', 'sample');

export interface Service {
  base: string;
  server: RunningServer;
  dir: string;
  stop(): Promise<void>;
}

export async function startService(): Promise<Service> {
  const tmp = tempDir('redline-http-');
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: join(tmp.path, 'data'), handleSignals: false });
  await server.ready;
  return {
    base: `http://127.0.0.1:${server.port}`,
    server,
    dir: tmp.path,
    stop: async () => {
      await server.close();
      tmp.remove();
    },
  };
}

/**
 * An app with options of its own (a small upload limit, a web build) on a loopback port, over a
 * fresh store in a temporary folder, for the length of `use`; everything is closed afterwards.
 */
export async function withApp(
  options: (dir: string) => Omit<AppOptions, 'store'>,
  use: (app: { base: string; dir: string; store: Store }) => Promise<void>,
): Promise<void> {
  const tmp = tempDir('redline-http-app-');
  const store = await openStore(join(tmp.path, 'redline.gpkg'));
  const { app, close } = createApp({ store, ...options(tmp.path) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await use({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, dir: tmp.path, store });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await close();
    await store.close();
    tmp.remove();
  }
}

/** A zip of shapefile parts made with the `zip` command, as a user would send it. */
export function zipOf(dir: string, name: string, files: string[]): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, name);
  execFileSync('zip', ['-j', '-q', out, ...files]);
  return out;
}

/** The sample county's layer `stem` zipped (without its .prj when asked). */
export function sampleZip(dir: string, stem: string, options: { prj?: boolean; name?: string } = {}): string {
  const parts = ['.shp', '.shx', '.dbf', ...(options.prj === false ? [] : ['.prj'])].map((e) => join(SAMPLE, stem + e));
  return zipOf(dir, options.name ?? `${stem}.zip`, parts);
}

export const USER = '王工';
const userHeader = { 'X-Redline-User': encodeURIComponent(USER) };

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(base: string, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(base + path, {
    method,
    headers: { ...userHeader, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function upload<T = Record<string, unknown>>(base: string, path: string, files: string[], fields: Record<string, string> = {}): Promise<Reply<T>> {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([readFileSync(f)]), basename(f));
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(base + path, { method: 'POST', body: form, headers: userHeader });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * Reads a run's event stream until it ends (the server ends it after `done` or `failed`), or
 * until `stopAfter` events; returns the events in order.
 */
export async function readEvents(base: string, runId: string, stopAfter = Infinity): Promise<SseEvent[]> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/runs/${runId}/events`, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
  if (res.headers.get('content-type')?.startsWith('text/event-stream') !== true) throw new Error(`not an event stream: ${res.status}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return events;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n').filter((l) => !l.startsWith(':'));
        if (lines.length === 0) continue;
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        if (events.length >= stopAfter) return events;
      }
    }
  } finally {
    controller.abort();
  }
}

/** Starts a run and follows its events to the end; the last event is done or failed. */
export async function runToEnd(base: string, body: Record<string, unknown>): Promise<{ id: string; events: SseEvent[] }> {
  const r = await call<{ id: string }>(base, 'POST', '/api/runs', body);
  if (r.status !== 202) throw new Error(`POST /api/runs: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, events: await readEvents(base, r.body.id) };
}
