/**
 * A run's finance table (uploaded as `redline compensate` reads it) and its compensation under a
 * policy profile.
 */
import { join, sep } from 'node:path';
import type { Express } from 'express';
import { compensate } from '../../compensation/engine.ts';
import { findProfile, profileIds } from '../../compensation/registry.ts';
import { readFinance, type FinanceFile } from '../../io/finance.ts';
import { actor, doneResult, param, runOr404, type Context } from '../context.ts';
import { financeRows } from '../../compensation/finance.ts';
import { compensationItems, financeTable, screeningInput } from '../compensation.ts';
import { badRequest, conflict } from '../errors.ts';
import { runId } from '../ids.ts';
import { relabel } from '../import.ts';
import { mainFile, receiveUpload } from '../uploads.ts';

export function compensationRoutes(app: Express, ctx: Context): void {
  app.post('/api/runs/:id/finance', async (req, res) => {
    const run = await runOr404(ctx, param(req, 'id'));
    const upload = await receiveUpload(req, res, ctx.uploadDir, ctx.maxUploadBytes, 1);
    let finance: FinanceFile;
    try {
      finance = await readFinance(join(upload.dir, mainFile(upload.files).filename));
    } catch (err) {
      throw relabel(err, upload.dir + sep);
    } finally {
      await upload.remove();
    }
    // every cell checked as the engine checks it, one row per licence, before anything is stored
    financeRows(finance.table);
    await ctx.store.saveFinance(run.id, finance.table, actor(req));
    res.json({ rows: finance.table.rows.length, columns: finance.table.columns, format: finance.format });
  });

  app.post('/api/runs/:id/compensation', async (req, res) => {
    const run = await runOr404(ctx, param(req, 'id'));
    const policy: unknown = (req.body as { policy?: unknown } | undefined)?.policy;
    const profile = typeof policy === 'string' ? findProfile(policy) : null;
    if (!profile) throw badRequest(`policy: one of ${profileIds().join(', ')}`);
    const result = await doneResult(ctx, run);
    // a profile counts only its own zones: a run against others would inflate the exit (as the CLI refuses)
    const other = result.zoneTypes.filter((t) => !profile.zoneTypes.includes(t));
    if (other.length > 0) {
      throw conflict(
        `${runId(run.id)} screened ${result.zoneTypes.join(' and ')} zones, but ${profile.id} counts only ${profile.zoneWords}: ` +
        `start a run with only the ${profile.zoneTypes.join(' / ')} dataset(s) as zones, then compensate`,
        'zone_types',
      );
    }
    const table = await financeTable(ctx.store, run.id);
    if (!table) throw conflict(`${runId(run.id)} has no finance table yet: upload one (POST /api/runs/${runId(run.id)}/finance)`);
    const computed = compensate({ profile, screening: screeningInput(run, result), finance: table });
    await ctx.store.saveCompensation(run.id, computed, actor(req));
    res.json({ policy: profile.id, items: compensationItems(computed), warnings: computed.warnings });
  });
}
