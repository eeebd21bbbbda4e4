/**
 * Runs: start one, list them, follow one (server-sent events), read its results.
 */
import type { Express, Request, Response } from 'express';
import type { Run } from '../../store/store.ts';
import { actor, param, runOr404, type Context } from '../context.ts';
import { badRequest } from '../errors.ts';
import { parseDatasetId, runId } from '../ids.ts';
import type { RunEvent, RunRequest } from '../jobs.ts';
import { parseResultsQuery, queryResults } from '../results.ts';
import { runView, type RunView } from '../views.ts';

export async function viewOf(ctx: Context, run: Run): Promise<RunView> {
  return runView(run, await ctx.runs.zoneTypes(run));
}

function datasetRef(v: unknown, field: string): number {
  if (typeof v !== 'string' && typeof v !== 'number') throw badRequest(`${field}: give a dataset id such as "ds_1"`);
  return parseDatasetId(v);
}

/** The body of POST /api/runs, checked. */
function parseRunRequest(body: unknown): RunRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('give the run as JSON: { "licences": "ds_1", "zones": ["ds_2"], "reserves": "ds_3" }');
  }
  const b = body as Record<string, unknown>;
  if (b.licences === undefined) throw badRequest('licences: the licence dataset is required');
  if (!Array.isArray(b.zones) || b.zones.length === 0) throw badRequest('zones: give a list of at least one zone dataset');
  const req: RunRequest = {
    licences: datasetRef(b.licences, 'licences'),
    zones: b.zones.map((z, i) => datasetRef(z, `zones[${i}]`)),
    reserves: b.reserves === undefined || b.reserves === null || b.reserves === '' ? null : datasetRef(b.reserves, 'reserves'),
  };
  if (b.sliver_m2 !== undefined && b.sliver_m2 !== null) {
    if (typeof b.sliver_m2 !== 'number') throw badRequest('sliver_m2: a number of m²');
    req.sliverM2 = b.sliver_m2;
  }
  if (b.datum_shift !== undefined && b.datum_shift !== null && b.datum_shift !== '') {
    if (typeof b.datum_shift !== 'string') throw badRequest('datum_shift: text "dx,dy,dz" or "dx,dy,dz,rx,ry,rz,ppm"');
    req.datumShift = b.datum_shift;
  }
  if (b.field_map !== undefined && b.field_map !== null) {
    const m = b.field_map;
    if (typeof m !== 'object' || Array.isArray(m) || Object.values(m).some((v) => typeof v !== 'string')) {
      throw badRequest('field_map: an object of key → field name, e.g. { "licence_id": "证号" }');
    }
    req.fieldMap = m as Record<string, string>;
  }
  return req;
}

function send(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Server-sent events of a run. The current state goes first, at once (a reloaded page or a
 * reconnecting EventSource catches up); then progress as it comes, and `done` or `failed` ends the
 * stream.
 */
async function events(ctx: Context, req: Request, res: Response): Promise<void> {
  const run = await runOr404(ctx, param(req, 'id'));
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx would otherwise buffer the stream
    'X-Accel-Buffering': 'no',
  });
  let ended = false;
  let ready = false;
  const early: RunEvent[] = [];
  const finish = (): void => {
    if (ended) return;
    ended = true;
    off();
    clearInterval(beat);
    res.end();
  };
  const deliver = async (e: RunEvent): Promise<void> => {
    if (ended) return;
    if (e.type === 'progress') {
      send(res, 'progress', { done: e.done, total: e.total });
    } else {
      send(res, e.type, await viewOf(ctx, e.run));
      finish();
    }
  };
  // subscribed before the state is read, so nothing between the two is lost
  const off = ctx.jobs.subscribe(run.id, (e) => {
    // a failure to build the view ends this stream, never the service
    if (ready) deliver(e).catch(finish);
    else early.push(e);
  });
  // a comment line now and then keeps proxies from closing an idle stream
  const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  // the response closes when the client goes away (a closed tab, EventSource.close())
  res.on('close', finish);
  const now = (await ctx.store.getRun(run.id)) ?? run;
  if (now.status === 'done' || now.status === 'failed') {
    await deliver({ type: now.status, run: now });
    return;
  }
  send(res, 'progress', now.progress);
  ready = true;
  for (const e of early.splice(0)) await deliver(e);
}

export function runRoutes(app: Express, ctx: Context): void {
  app.post('/api/runs', async (req, res) => {
    const run = await ctx.jobs.submit(parseRunRequest(req.body), actor(req));
    res.status(202).location(`/api/runs/${runId(run.id)}`).json({ id: runId(run.id) });
  });

  app.get('/api/runs', async (_req, res) => {
    const items: RunView[] = [];
    for (const run of await ctx.store.listRuns()) items.push(await viewOf(ctx, run));
    res.json({ items });
  });

  app.get('/api/runs/:id', async (req, res) => {
    res.json(await viewOf(ctx, await runOr404(ctx, param(req, 'id'))));
  });

  app.get('/api/runs/:id/events', (req, res) => events(ctx, req, res));

  app.get('/api/runs/:id/results', async (req, res) => {
    const run = await runOr404(ctx, param(req, 'id'));
    const query = parseResultsQuery(req);
    // a queued or running run has no rows yet; a failed one none at all
    res.json(await queryResults(ctx.store, await ctx.runs.result(run), run, query));
  });
}
