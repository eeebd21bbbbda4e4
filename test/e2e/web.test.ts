import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/serve.ts';
import { tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * The web app end to end, in real headless Chromium against a real server and database: upload
 * the sample county, screen it, open a partial case, check its exit range is drawn (pixels of a
 * screenshot), record a decision, reload, and find it kept. Screenshots go to test-results/e2e.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'data', 'sample');
const WEB = join(ROOT, 'web', 'dist');
const SHOTS = join(ROOT, 'test-results', 'e2e');
const dir = tempDir('redline-e2e-');

let server: RunningServer;
let browser: Browser;
let page: Page;

/** Each sample layer zipped, as a bureau would send it. */
function zipLayer(name: string): string {
  const zip = join(dir.path, `${name}.zip`);
  execFileSync('zip', ['-qj', zip, ...['shp', 'shx', 'dbf', 'prj'].map((e) => join(SAMPLE, `${name}.${e}`))]);
  return zip;
}

async function shot(name: string): Promise<Buffer> {
  const png = await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  return png;
}

async function mapIdle(): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __mapIdle?: boolean }).__mapIdle === true, null, { timeout: 60_000 });
}

/**
 * Red hatch pixels (the exit-range colour #d7191c) inside a screen box, counted in a canvas of
 * the browser itself: the screenshot is decoded by Chromium, no image library needed.
 */
async function redPixels(png: Buffer, box: { x0: number; y0: number; x1: number; y1: number }): Promise<number> {
  return page.evaluate(async ({ b64, box: b }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const w = Math.max(1, Math.round(b.x1 - b.x0));
    const h = Math.max(1, Math.round(b.y1 - b.y0));
    const d = g.getImageData(Math.round(b.x0), Math.round(b.y0), w, h).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 180 && d[i + 1] < 80 && d[i + 2] < 80) n++;
    return n;
  }, { b64: png.toString('base64'), box });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  if (!existsSync(join(WEB, 'index.html'))) execFileSync('npx', ['--no-install', 'vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT });
  server = await startServer({
    port: 0, host: '127.0.0.1', dataDir: join(dir.path, 'store'), webDist: WEB,
    outlines: join(SAMPLE, 'county_outline.geojson'), handleSignals: false,
  });
  await server.ready;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  dir.remove();
});

describe('the web app in headless Chromium', () => {
  it('upload, screen, open a partial case, see its exit range, decide, reload', async () => {
    await page.goto(server.url);
    await page.getByTestId('tab-upload').click();
    const kinds: [string, string][] = [['licences', 'licences'], ['redline', 'redline'], ['nature_reserve', 'nature_reserve'], ['reserve_blocks', 'reserves']];
    const ids: Record<string, string> = {};
    for (const [name, kind] of kinds) {
      await page.getByTestId('upload-kind').selectOption(kind);
      await page.getByTestId('upload-input').setInputFiles(zipLayer(name));
      const result = page.getByTestId('upload-result');
      await expect.poll(async () => result.getAttribute('data-status'), { timeout: 60_000 }).toBe('ready');
      ids[name] = (await result.getAttribute('data-dataset-id'))!;
      // the validation report of the licences: the sample's bow-tie licence is reported
      if (name === 'licences') await expect.poll(() => page.getByTestId('report-invalid').getAttribute('data-count')).toBe('1');
    }
    expect(new Set(Object.values(ids)).size).toBe(4);
    await shot('1-upload');

    await page.getByTestId('tab-screening').click();
    await page.getByTestId('run-licences').selectOption(ids.licences);
    await page.getByTestId(`run-zone-${ids.redline}`).check();
    await page.getByTestId(`run-zone-${ids.nature_reserve}`).check();
    await page.getByTestId('run-reserves').selectOption(ids.reserve_blocks);
    await page.getByTestId('start-run').click();
    await expect.poll(() => page.getByTestId('run-current').getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    await shot('2-screened');

    await page.getByTestId('tab-cases').click();
    await expect.poll(() => page.getByTestId('status-chip-partial').getAttribute('data-count'), { timeout: 30_000 }).toBe('28');
    const row = page.locator('[data-testid="result-row"][data-status="partial"]').first();
    const licenceId = (await row.getAttribute('data-licence-id'))!;
    await row.click();
    await expect.poll(() => page.getByTestId('case-panel').getAttribute('data-licence-id'), { timeout: 30_000 }).toBe(licenceId);
    await mapIdle();

    // Where the exit range is on screen: its lon/lat bbox from the API, projected by the map.
    const runId = ((await (await fetch(`${server.url}api/runs`)).json()) as { items: { id: string }[] }).items[0].id;
    const kase = await (await fetch(`${server.url}api/runs/${runId}/cases/${encodeURIComponent(licenceId)}`)).json() as { geometry: { exit_range: { coordinates: number[][][][] | number[][][]; type: string } } };
    const flat = JSON.stringify(kase.geometry.exit_range.coordinates).match(/-?\d+(\.\d+)?/g)!.map(Number);
    const lons = flat.filter((_, i) => i % 2 === 0);
    const lats = flat.filter((_, i) => i % 2 === 1);
    const box = await page.evaluate(([w, s, e, n]) => {
      const map = (window as unknown as { __map: { project(p: [number, number]): { x: number; y: number }; getContainer(): HTMLElement } }).__map;
      const r = map.getContainer().getBoundingClientRect();
      const a = map.project([w, n]);
      const b = map.project([e, s]);
      return { x0: r.left + a.x, y0: r.top + a.y, x1: r.left + b.x, y1: r.top + b.y };
    }, [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)] as const);
    const withExit = await redPixels(await shot('3-case'), box);
    await page.getByTestId('legend-toggle-exit_ranges').uncheck();
    await mapIdle();
    const withoutExit = await redPixels(await shot('4-case-without-exit-layer'), box);
    // the hatch is drawn there, and it is the exit-range layer that draws it
    expect(withExit).toBeGreaterThan(50);
    expect(withExit).toBeGreaterThan(3 * withoutExit);
    await page.getByTestId('legend-toggle-exit_ranges').check();

    await page.getByTestId('decision-exit-kind-partial').check();
    await page.getByTestId('decision-reviewed').check();
    await page.getByTestId('decision-note').fill('核减部分范围，保留东侧');
    await page.getByTestId('decision-by').fill('王工');
    await page.getByTestId('decision-save').click();
    await expect.poll(() => page.getByTestId('audit-list').getAttribute('data-count')).not.toBe('0');

    await page.reload();
    await expect.poll(() => page.getByTestId('case-panel').getAttribute('data-licence-id'), { timeout: 60_000 }).toBe(licenceId);
    await expect.poll(() => page.getByTestId('decision-note').inputValue(), { timeout: 30_000 }).toBe('核减部分范围，保留东侧');
    expect(await page.getByTestId('decision-exit-kind-partial').isChecked()).toBe(true);
    expect(await page.getByTestId('decision-reviewed').isChecked()).toBe(true);
    const audit = page.locator('[data-testid="audit-entry"][data-action]');
    expect(await audit.count()).toBeGreaterThan(0);
    await mapIdle();
    await shot('5-after-reload');
    writeFileSync(join(SHOTS, 'case.txt'), `${licenceId}: ${withExit} red pixels with the exit layer, ${withoutExit} without\n`);
  }, 300_000);
});
