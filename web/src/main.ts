/**
 * The redline web app: a header (tabs, settings, language), a side panel (upload, screening,
 * case table), the map, and the case panel over the map's right side. On load it opens the run in
 * the URL hash, else the latest finished run, so a new user sees the sample county's cases at once.
 */
import './style.css';
import { api, type Dataset, type Run, type Settings, type Status } from './api.ts';
import { createCasePanel } from './case-panel.ts';
import { createCases } from './cases.ts';
import { errorText, fill, h, readHash, writeHash } from './dom.ts';
import { initLanguage, langSwitch, onLanguage, t, type Key } from './i18n.ts';
import { bindMapEvents, colourLicences, showCase, showRun } from './layers.ts';
import { createLegend } from './legend.ts';
import { createMap, fitBBox, setBasemap } from './map.ts';
import { createRuns } from './runs.ts';
import { createSettings } from './settings.ts';
import { createUpload } from './upload.ts';

type Tab = 'upload' | 'screening' | 'cases';
const TABS: Array<[Tab, Key]> = [
  ['upload', 'tab_upload'],
  ['screening', 'tab_screening'],
  ['cases', 'tab_cases'],
];
const PANEL_WIDTH = 460;

async function main(): Promise<void> {
  const settings: Settings = await api.settings().catch(() => ({ basemap_url: null, division_code: '000000', language: 'zh' as const }));
  initLanguage(settings.language);

  let datasets = new Map<string, Dataset>();
  let run: Run | null = null;
  let caseBBox: [number, number, number, number] | null = null;
  const hashTab = readHash().tab;
  let tab: Tab = TABS.some(([id]) => id === hashTab) ? (hashTab as Tab) : 'cases';

  // ------------------------------------------------------------ layout
  const mapEl = h('div', { class: 'map', testid: 'map', role: 'region' });
  const mapWrap = h('div', { class: 'map-wrap' }, mapEl);
  const tabList = h('div', { class: 'tabs', role: 'tablist' });
  const sidebar = h('div', { class: 'sidebar' });
  const runLabel = h('span', { class: 'current-run', testid: 'current-run' });
  const title = h('h1', null);
  const settingsButton = h('button', { type: 'button', class: 'ghost', testid: 'settings-open', onclick: () => settingsDialog.open() });
  const header = h('header', { class: 'topbar' }, title, tabList, h('div', { class: 'spacer' }), runLabel, settingsButton, langSwitch());
  // on the page before the map is made: it measures its container then
  document.body.append(header, h('main', { class: 'layout' }, sidebar, mapWrap));

  const map = createMap(mapEl);
  const settingsDialog = createSettings(settings, (s) => {
    setBasemap(map, s.basemap_url);
    legend.render();
  });
  document.body.append(settingsDialog.el);
  const legend = createLegend(map, () => Boolean(settingsDialog.current().basemap_url));
  mapWrap.append(legend.el);
  setBasemap(map, settings.basemap_url);

  const upload = createUpload({
    onReady: (id) => void refreshDatasets(id),
    onGoScreening: () => selectTab('screening'),
  });
  // a run opened from the list, or one that just finished: show its cases
  const openAndShow = async (id: string): Promise<void> => {
    await openRun(id);
    if (run?.id === id && run.status === 'done') selectTab('cases');
  };
  const runsPanel = createRuns({
    onOpen: (id) => void openAndShow(id),
    onDone: (r) => void openAndShow(r.id),
    refreshRuns: () => void refreshRuns(),
  });
  const cases = createCases({ onSelect: (id) => void openCase(id) });
  const casePanel = createCasePanel({
    onClose: () => closeCase(),
    onFit: () => caseBBox && fitBBox(map, caseBBox, PANEL_WIDTH),
    onChanged: () => void cases.reload(),
    reload: () => {
      const id = readHash().case;
      if (id) void openCase(id, false);
    },
  });
  mapWrap.append(casePanel.el);
  const panels: Record<Tab, HTMLElement> = { upload: upload.el, screening: runsPanel.el, cases: cases.el };

  function renderChrome(): void {
    document.title = t('app_title');
    fill(title, h('span', { class: 'logo', 'aria-hidden': 'true' }, '▰'), ' redline ', h('small', null, t('app_subtitle')));
    settingsButton.textContent = `⚙ ${t('settings')}`;
    mapEl.setAttribute('aria-label', t('map'));
    fill(
      tabList,
      TABS.map(([id, key]) =>
        h('button', { type: 'button', role: 'tab', id: `tab-${id}`, testid: `tab-${id}`, 'aria-selected': String(tab === id), 'aria-controls': `panel-${id}`, tabindex: tab === id ? 0 : -1, onclick: () => selectTab(id) }, t(key)),
      ),
    );
    for (const [id, el] of Object.entries(panels)) {
      el.id = `panel-${id}`;
      el.setAttribute('role', 'tabpanel');
      el.setAttribute('aria-labelledby', `tab-${id}`);
      el.hidden = id !== tab;
    }
    fill(runLabel, run ? [t('current_run'), ': ', h('span', { class: 'mono' }, run.id)] : '');
  }

  function selectTab(id: Tab): void {
    tab = id;
    writeHash({ tab: id === 'cases' ? undefined : id });
    renderChrome();
  }
  tabList.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = TABS.findIndex(([id]) => id === tab);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length][0];
    selectTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  });
  sidebar.append(...Object.values(panels));
  renderChrome();
  onLanguage(renderChrome);

  // ------------------------------------------------------------ data
  async function refreshDatasets(preselect?: string): Promise<void> {
    try {
      const list = await api.datasets();
      datasets = new Map(list.map((d) => [d.id, d]));
      runsPanel.setDatasets(list, preselect);
    } catch (err) {
      console.warn('datasets:', errorText(err));
    }
  }
  async function refreshRuns(): Promise<Run[]> {
    try {
      const list = await api.runs();
      runsPanel.setRuns(list);
      return list;
    } catch (err) {
      console.warn('runs:', errorText(err));
      return [];
    }
  }

  /** Every licence's status, for the map's colours: all but `none`, page by page. */
  async function loadStatuses(r: Run): Promise<void> {
    const statuses = new Map<string, Status>();
    const limit = 10_000;
    for (let offset = 0; ; offset += limit) {
      const page = await api.results(r.id, { status: ['whole', 'partial', 'sliver', 'touch'], limit, offset, sort: 'licence_id', order: 'asc' });
      for (const row of page.items) statuses.set(row.licence_id, row.status);
      if (page.items.length < limit || offset + limit >= page.total) break;
    }
    if (run?.id === r.id) colourLicences(map, statuses);
  }

  /** false when there is no such run (e.g. a stale link) */
  async function openRun(id: string, fit = true): Promise<boolean> {
    let r: Run;
    try {
      r = await api.run(id);
    } catch (err) {
      console.warn('run:', errorText(err));
      writeHash({ run: undefined, case: undefined });
      return false;
    }
    if (run?.id !== id) closeCase();
    run = r;
    writeHash({ run: id });
    renderChrome();
    runsPanel.follow(r);
    if (r.status !== 'done') {
      cases.setRun(null);
      selectTab('screening');
      return true;
    }
    for (const dsId of [r.licences, ...r.zones, ...(r.reserves ? [r.reserves] : [])]) {
      if (!datasets.has(dsId)) await refreshDatasets();
    }
    showRun(map, r, datasets);
    cases.setRun(r);
    void loadStatuses(r).catch((err: unknown) => console.warn('statuses:', errorText(err)));
    const lic = datasets.get(r.licences);
    const box = lic?.bbox ?? lic?.report?.bbox?.lonlat;
    if (fit && box && !readHash().case) fitBBox(map, box);
    return true;
  }

  async function openCase(licenceId: string, fit = true): Promise<void> {
    if (!run) return;
    writeHash({ case: licenceId });
    cases.select(licenceId);
    try {
      const detail = await api.caseDetail(run.id, licenceId);
      if (readHash().case !== licenceId) return;
      casePanel.show(run.id, detail);
      showCase(map, detail);
      caseBBox = detail.bbox;
      if (fit) fitBBox(map, detail.bbox, PANEL_WIDTH);
    } catch (err) {
      casePanel.showError(errorText(err));
    }
  }

  function closeCase(): void {
    writeHash({ case: undefined });
    casePanel.hide();
    cases.select(null);
    showCase(map, null);
    caseBBox = null;
  }

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && casePanel.isOpen() && !document.querySelector('dialog[open]')) closeCase();
  });

  bindMapEvents(map, (licenceId) => {
    selectTab('cases');
    void openCase(licenceId);
  });

  // ------------------------------------------------------------ start
  const [, list] = await Promise.all([refreshDatasets(), refreshRuns()]);
  const hash = readHash();
  const latestDone = [...list].filter((r) => r.status === 'done').sort((a, b) => (b.finished_at ?? b.created_at).localeCompare(a.finished_at ?? a.created_at))[0];
  const opened = (hash.run !== undefined && (await openRun(hash.run))) || (latestDone !== undefined && (await openRun(latestDone.id)));
  if (opened) {
    // `run` is set by openRun (TypeScript does not see assignments made in closures)
    const openedId = (run as Run | null)?.id;
    if (hash.case && openedId === hash.run) await openCase(hash.case);
  } else if (list.length === 0 && datasets.size === 0) {
    selectTab('upload');
  }
}

main().catch((err: unknown) => {
  document.body.append(h('div', { class: 'error fatal', role: 'alert' }, errorText(err)));
});
