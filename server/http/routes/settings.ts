/**
 * Settings, health, the OpenAPI document and the offline basemap's county outlines.
 */
import { readFile } from 'node:fs/promises';
import type { Express } from 'express';
import { VERSION } from '../../cli/common.ts';
import type { Json, Store } from '../../store/store.ts';
import { actor, type Context } from '../context.ts';
import { badRequest } from '../errors.ts';
import { openApiDocument } from '../openapi.ts';

export interface Settings {
  basemap_url: string | null;
  division_code: string;
  language: 'zh' | 'en';
}

const DEFAULTS: Settings = { basemap_url: null, division_code: '000000', language: 'zh' };

export async function settingsOf(store: Store): Promise<Settings> {
  const saved = await store.settings();
  const s: Settings = { ...DEFAULTS };
  if (typeof saved.basemap_url === 'string' || saved.basemap_url === null) s.basemap_url = saved.basemap_url ?? null;
  if (typeof saved.division_code === 'string') s.division_code = saved.division_code;
  if (saved.language === 'zh' || saved.language === 'en') s.language = saved.language;
  return s;
}

/** The keys given, checked; keys left out keep their value. */
function parseSettings(body: unknown): Partial<Settings> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('give the settings as a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !(k in DEFAULTS));
  if (unknown.length > 0) throw badRequest(`unknown setting(s) ${unknown.join(', ')}; settings are ${Object.keys(DEFAULTS).join(', ')}`);
  const out: Partial<Settings> = {};
  if ('basemap_url' in b) {
    const u = b.basemap_url;
    if (u !== null && (typeof u !== 'string' || !/^https?:\/\/\S+$/.test(u))) {
      throw badRequest('basemap_url: an http(s) URL (a tile template such as https://host/{z}/{x}/{y}.png), or null for the offline basemap');
    }
    out.basemap_url = u;
  }
  if ('division_code' in b) {
    const d = b.division_code;
    if (typeof d !== 'string' || !/^\d{6}(\d{3}(\d{3})?)?$/.test(d)) throw badRequest('division_code: an administrative division code of 6 digits, e.g. 130899');
    out.division_code = d;
  }
  if ('language' in b) {
    if (b.language !== 'zh' && b.language !== 'en') throw badRequest('language: zh or en');
    out.language = b.language;
  }
  return out;
}

const EMPTY_OUTLINES = '{"type":"FeatureCollection","features":[]}';

export function settingsRoutes(app: Express, ctx: Context): void {
  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok', version: VERSION });
  });

  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument(VERSION));
  });

  app.get('/api/basemap/outlines.geojson', async (_req, res) => {
    const text = ctx.outlines ? await readFile(ctx.outlines, 'utf8') : EMPTY_OUTLINES;
    res.type('application/geo+json').set('Cache-Control', 'public, max-age=3600').send(text);
  });

  app.get('/api/settings', async (_req, res) => {
    res.json(await settingsOf(ctx.store));
  });

  app.put('/api/settings', async (req, res) => {
    const values = parseSettings(req.body);
    await ctx.store.saveSettings(values as Record<string, Json>, actor(req));
    res.json(await settingsOf(ctx.store));
  });
}
