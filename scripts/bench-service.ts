/**
 * Service benchmark: the HTTP API on the benchmark county (bench-data/, made by the screening
 * benchmark's generator), through real HTTP on a loopback port with a real store.
 *
 *   npm run bench-service
 *
 * Times, for a user's day: uploading the licence and zone shapefiles (import, validation report,
 * GeoPackage store), the screening run, the first page of results, and the map — vector tiles of
 * the 1.4-million-vertex red line over the county at zooms 8–14 as a user pans and zooms (the
 * first tile builds the layer's tile index; the rest are what panning costs). Prints a table and
 * writes it to bench-data/bench-service.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../server/http/serve.ts';
import { BENCH, benchFile, ensureData } from './bench-data.ts';

const ms = (t0: number): number => performance.now() - t0;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function upload(url: string, name: string, fields: Record<string, string>): Promise<{ id: string; ms: number }> {
  const form = new FormData();
  for (const ext of ['shp', 'shx', 'dbf', 'prj']) {
    form.append('file', new Blob([fs.readFileSync(benchFile(`${name}.${ext}`))]), `${name}.${ext}`);
  }
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const t0 = performance.now();
  const res = await fetch(`${url}api/datasets`, { method: 'POST', body: form });
  const body = (await res.json()) as { id: string; status: string; message?: string };
  if (res.status !== 201 || body.status !== 'ready') throw new Error(`upload ${name}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return { id: body.id, ms: ms(t0) };
}

function tileRange(bounds: number[], z: number): { x0: number; x1: number; y0: number; y1: number } {
  const n = 2 ** z;
  const tx = (lon: number): number => Math.floor(((lon + 180) / 360) * n);
  const ty = (lat: number): number => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  };
  return { x0: tx(bounds[0]), x1: tx(bounds[2]), y0: ty(bounds[3]), y1: ty(bounds[1]) };
}

async function main(): Promise<void> {
  ensureData(false);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-bench-service-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, webDist: null, handleSignals: false });
  await server.ready;
  const rows: [string, string][] = [];
  try {
    const licences = await upload(server.url, 'licences', { kind: 'licences' });
    const redline = await upload(server.url, 'redline', { kind: 'zones', zone_type: 'redline' });
    const reserve = await upload(server.url, 'nature_reserve', { kind: 'zones', zone_type: 'nature_reserve' });
    rows.push(['upload licences (2,000 polygons): import, validation report, store', `${(licences.ms / 1000).toFixed(2)} s`]);
    rows.push(['upload red line (308 polygons, 1,400,000 vertices)', `${(redline.ms / 1000).toFixed(2)} s`]);
    rows.push(['upload nature reserves (600,000 vertices)', `${(reserve.ms / 1000).toFixed(2)} s`]);

    let t0 = performance.now();
    const start = await fetch(`${server.url}api/runs`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ licences: licences.id, zones: [redline.id, reserve.id] }),
    });
    const { id } = (await start.json()) as { id: string };
    for (;;) {
      const run = (await (await fetch(`${server.url}api/runs/${id}`)).json()) as { status: string; error: string | null };
      if (run.status === 'failed') throw new Error(`run failed: ${run.error}`);
      if (run.status === 'done') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    rows.push(['screening run (queued → done, results stored)', `${(ms(t0) / 1000).toFixed(2)} s`]);
    t0 = performance.now();
    await (await fetch(`${server.url}api/runs/${id}/results?limit=50&sort=exit_area_plane_m2&order=desc`)).json();
    rows.push(['first page of results (50 rows, sorted)', `${ms(t0).toFixed(0)} ms`]);

    const tj = (await (await fetch(`${server.url}api/tiles/${redline.id}.json`)).json()) as { bounds: number[] };
    const times: number[] = [];
    const bytes: number[] = [];
    let first = NaN;
    for (const z of [8, 9, 10, 11, 12, 13, 14]) {
      const r = tileRange(tj.bounds, z);
      // a user's view is about 6 × 4 tiles; sample at most 48 tiles per zoom spread over the county
      const xs = r.x1 - r.x0 + 1;
      const ys = r.y1 - r.y0 + 1;
      const step = Math.max(1, Math.ceil(Math.sqrt((xs * ys) / 48)));
      for (let x = r.x0; x <= r.x1; x += step) {
        for (let y = r.y0; y <= r.y1; y += step) {
          const t = performance.now();
          const res = await fetch(`${server.url}api/tiles/${redline.id}/${z}/${x}/${y}.pbf`);
          const buf = new Uint8Array(await res.arrayBuffer());
          const took = ms(t);
          if (Number.isNaN(first)) first = took;
          else times.push(took);
          if (res.status === 200) bytes.push(buf.length);
        }
      }
    }
    rows.push(['first red-line tile (builds the tile index of 1.4 M vertices)', `${first.toFixed(0)} ms`]);
    rows.push([`red-line tiles after it, zooms 8–14 (${times.length} tiles, ${bytes.length} with data)`,
      `median ${pct(times, 0.5).toFixed(1)} ms, p95 ${pct(times, 0.95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms; ` +
      `median ${(pct(bytes, 0.5) / 1024).toFixed(1)} KB`]);
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const table = [
    '| step (HTTP on loopback, real store) | time |', '|---|---:|', ...rows.map(([a, b]) => `| ${a} | ${b} |`),
  ].join('\n');
  const md = `# Service benchmark\n\nData: bench-data/ (2,000 licences; red line 1,400,000 + nature reserves 600,000 vertices).\n` +
    `Machine: ${os.cpus().length} cores, Node ${process.version}.\n\n${table}\n`;
  fs.writeFileSync(path.join(BENCH, 'bench-service.md'), md);
  console.log(md);
}

main().catch((err: unknown) => {
  console.error(`bench-service: ${(err as Error).message}`);
  process.exit(1);
});
