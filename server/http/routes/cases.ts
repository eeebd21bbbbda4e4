/**
 * Cases: one licence of a run, with everything a reviewer needs on one page (its row, zones,
 * reserve blocks, geometry, finance, compensation trace, decision, audit trail), and the two
 * things a reviewer changes: the decision and the licence's finance row.
 */
import type { Express, Request } from 'express';
import { FINANCE_COLUMNS, financeRows } from '../../compensation/finance.ts';
import { licenceJson } from '../../io/compensation-out.ts';
import type { Geometry } from 'geojson';
import type { LicenceResult } from '../../screening/types.ts';
import type { AuditEntry, Case, Json, Run } from '../../store/store.ts';
import { actor, doneResult, param, runOr404, type Context } from '../context.ts';
import { financeTable, reviveLicence, withRow } from '../compensation.ts';
import { badRequest, notFound } from '../errors.ts';
import { lonLatFeatures, multiPolygonBox, multiPolygonGeoJson } from '../geojson.ts';
import { runId } from '../ids.ts';
import { financeTypes, licenceTypeOf } from '../results.ts';
import { auditView, decisionView, resultRowView, type AuditView } from '../views.ts';

async function licenceOf(ctx: Context, req: Request): Promise<{ run: Run; licence: LicenceResult; seq: number }> {
  const run = await runOr404(ctx, param(req, 'id'));
  const result = await doneResult(ctx, run);
  const id = param(req, 'licence_id');
  // the first of a duplicated id, as the store's cases take it
  const seq = result.licences.findIndex((l) => l.licenceId === id);
  if (seq < 0) throw notFound(`${runId(run.id)} has no licence ${id}`);
  return { run, licence: result.licences[seq], seq };
}

async function caseOf(ctx: Context, runIdN: number, licenceId: string): Promise<Case | null> {
  return (await ctx.store.listCases({ runId: runIdN })).find((c) => c.licenceId === licenceId) ?? null;
}

type Cells = Record<string, string | null>;

/** The licence's row of a finance table as the audit log keeps it ({ rows: [{ cells }] }). */
function rowIn(value: Json, licenceId: string): Json {
  const rows = (value as { rows?: { cells?: Cells }[] } | null)?.rows ?? [];
  return (rows.find((r) => r.cells?.licence_id?.trim() === licenceId)?.cells ?? null) as Json;
}

/** The case's own entries, and the finance-table changes that touched this licence's row. */
async function auditOf(ctx: Context, run: Run, c: Case | null, licenceId: string): Promise<AuditView[]> {
  const entries: AuditEntry[] = [];
  if (c) entries.push(...(await ctx.store.audit({ entity: `case:${c.id}`, limit: 10_000 })).items);
  for (const e of (await ctx.store.audit({ entity: `run:${run.id}`, limit: 10_000 })).items) {
    if (e.action !== 'finance.save') continue;
    const before = rowIn(e.before, licenceId);
    const after = rowIn(e.after, licenceId);
    if (JSON.stringify(before) !== JSON.stringify(after)) entries.push({ ...e, before, after });
  }
  return entries.sort((a, b) => a.id - b.id).map(auditView);
}

function bodyObject(req: Request, example: string): Record<string, unknown> {
  const b: unknown = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw badRequest(`give a JSON object, e.g. ${example}`);
  return b as Record<string, unknown>;
}

export function caseRoutes(app: Express, ctx: Context): void {
  app.get('/api/runs/:id/cases/:licence_id', async (req, res) => {
    const { run, licence, seq } = await licenceOf(ctx, req);
    const result = await doneResult(ctx, run);
    const ds = await ctx.store.getDataset(run.licences);
    // the result's licences are the licence layer's features, in order
    const feature = ds ? (await lonLatFeatures(ctx.store, ds))[seq] : undefined;
    const shape = feature?.geometry ?? licence.exitRangeLonLat;
    const c = await caseOf(ctx, run.id, licence.licenceId);
    const last = c?.decisions[c.decisions.length - 1];
    const decision = last ? decisionView(last) : null;
    const finance = (await ctx.store.finance(run.id, licence.licenceId))[0] ?? null;
    const comp = await ctx.store.compensation(run.id, licence.licenceId);
    const stored = comp?.licences[0];
    const policy = (comp?.summary as { profile?: { id?: string } } | null)?.profile?.id ?? null;
    res.json({
      licence: resultRowView(licence, licenceTypeOf(licence.licenceId, await financeTypes(ctx.store, run.id)), decision),
      zones: licence.zones.map((z) => ({
        zone_id: z.zoneId, zone_name: z.zoneName, zone_type: z.zoneType, overlap_area_plane_m2: z.areaPlane, overlap_area_ellipsoidal_m2: z.areaEllipsoidal,
      })),
      blocks: result.blocks.filter((b) => b.licenceId === licence.licenceId).map((b) => ({
        licence_id: b.licenceId, block_id: b.blockId, category: b.category, block_area_plane_m2: b.blockAreaPlane, ore_t: b.oreT,
        metal_t: b.metalT, exit_fraction: b.exitFraction, exit_ore_t: b.exitOreT, exit_metal_t: b.exitMetalT, note: b.note,
      })),
      geometry: {
        licence: (feature?.geometry ? multiPolygonGeoJson(feature.geometry) : null) as Geometry | null,
        exit_range: licence.exitRangeLonLat.length > 0 ? multiPolygonGeoJson(licence.exitRangeLonLat) : null,
        remaining_range: licence.remainingRangeLonLat && licence.remainingRangeLonLat.length > 0 ? multiPolygonGeoJson(licence.remainingRangeLonLat) : null,
      },
      bbox: multiPolygonBox(shape),
      finance: finance ? finance.cells : null,
      compensation: stored && policy ? { policy, result: licenceJson(reviveLicence(stored.detail)) } : null,
      decision,
      audit: await auditOf(ctx, run, c, licence.licenceId),
    });
  });

  app.put('/api/runs/:id/cases/:licence_id/decision', async (req, res) => {
    const { run, licence } = await licenceOf(ctx, req);
    const b = bodyObject(req, '{ "exit_kind": "partial", "reviewed": true, "note": "…" }');
    if (b.exit_kind !== 'whole' && b.exit_kind !== 'partial') throw badRequest('exit_kind: whole or partial');
    if (b.reviewed !== undefined && typeof b.reviewed !== 'boolean') throw badRequest('reviewed: true or false');
    if (b.note !== undefined && b.note !== null && typeof b.note !== 'string') throw badRequest('note: text');
    if (b.by !== undefined && b.by !== null && typeof b.by !== 'string') throw badRequest('by: a name');
    // the header (set by the web app or an authenticating proxy) names the user; `by` is the fallback
    const by = actor(req, typeof b.by === 'string' ? b.by : null);
    const c = (await caseOf(ctx, run.id, licence.licenceId)) ?? (await ctx.store.openCase({ runId: run.id, licenceId: licence.licenceId }, by));
    const note = typeof b.note === 'string' && b.note.trim() !== '' ? b.note : null;
    const d = await ctx.store.decide(c.id, { exitKind: b.exit_kind, reviewed: b.reviewed === true, note }, by);
    res.json(decisionView(d));
  });

  app.put('/api/runs/:id/cases/:licence_id/finance', async (req, res) => {
    const { run, licence } = await licenceOf(ctx, req);
    const b = bodyObject(req, '{ "licence_type": "mining", "exit_kind": "partial", "paid_price_yuan": "12345678.90" }');
    const cells: Cells = {};
    for (const [k, v] of Object.entries(b)) {
      const col = k.trim().toLowerCase();
      if (!Object.hasOwn(FINANCE_COLUMNS, col)) throw badRequest(`${k}: not a finance column (${Object.keys(FINANCE_COLUMNS).join(', ')})`);
      if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw badRequest(`${k}: give the cell as text`);
      // A JSON number is a double: 12345678901234567.89 would arrive as 12345678901234568. Money,
      // quantities and shares come as text, so every digit typed reaches decimal.js.
      const type = FINANCE_COLUMNS[col as keyof typeof FINANCE_COLUMNS];
      if (typeof v === 'number' && (type === 'money' || type === 'quantity' || type === 'share')) {
        throw badRequest(`${k}: give the amount as text ("${v}"), not a JSON number, so no digit is lost`);
      }
      const text = v === null ? '' : String(v).trim();
      cells[col] = text === '' ? null : text;
    }
    if (cells.licence_id != null && cells.licence_id !== licence.licenceId) {
      throw badRequest(`licence_id ${cells.licence_id} in the body is not the case's licence ${licence.licenceId}`);
    }
    const table = withRow(await financeTable(ctx.store, run.id), licence.licenceId, cells, 'finance (entered in the service)');
    // every cell checked as the engine checks it, one row per licence, before anything is stored
    financeRows(table);
    await ctx.store.saveFinance(run.id, table, actor(req));
    const saved = (await ctx.store.finance(run.id, licence.licenceId))[0];
    res.json(saved?.cells ?? cells);
  });

  app.get('/api/runs/:id/cases/:licence_id/audit', async (req, res) => {
    const { run, licence } = await licenceOf(ctx, req);
    res.json({ items: await auditOf(ctx, run, await caseOf(ctx, run.id, licence.licenceId), licence.licenceId) });
  });
}
