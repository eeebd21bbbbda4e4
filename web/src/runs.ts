/**
 * Screening: choose the licence, zone and reserve datasets and start a run; follow it with a
 * live progress bar from the run's event stream (which also picks up a run after a page
 * reload: the run id is in the URL hash); earlier runs to open.
 */
import { api, urls, type Dataset, type Run } from './api.ts';
import { errorText, field, fill, h } from './dom.ts';
import { dateTime, fixed } from './format.ts';
import { onLanguage, statusLabel, t, type Key } from './i18n.ts';
import { guessZoneType } from './layers.ts';

const RUN_STATUS: Record<Run['status'], Key> = { queued: 'run_queued', running: 'run_running', done: 'run_done', failed: 'run_failed' };

export interface RunsPanel {
  el: HTMLElement;
  setDatasets(list: Dataset[], preselect?: string): void;
  setRuns(list: Run[]): void;
  /** shows the run's progress; calls onDone/onFailed once when it ends (at once if it has) */
  follow(run: Run): void;
  current(): Run | null;
}

export function createRuns(hooks: { onOpen: (runId: string) => void; onDone: (run: Run) => void; refreshRuns: () => void }): RunsPanel {
  const el = h('section', { class: 'panel', testid: 'screening-panel' });
  let datasets: Dataset[] = [];
  let runs: Run[] = [];
  let run: Run | null = null;
  let source: EventSource | null = null;
  let error: string | null = null;
  let busy = false;
  const pick = { licences: '', zones: new Set<string>(), reserves: '', sliver: '1' };

  function defaults(preselect?: string): void {
    const ready = (k: Dataset['kind']): Dataset[] => datasets.filter((d) => d.kind === k && d.status === 'ready');
    const newest = (list: Dataset[]): string => list.at(-1)?.id ?? '';
    const pre = datasets.find((d) => d.id === preselect);
    if (pre?.kind === 'licences') pick.licences = pre.id;
    else if (!ready('licences').some((d) => d.id === pick.licences)) pick.licences = newest(ready('licences'));
    if (pre?.kind === 'reserves') pick.reserves = pre.id;
    if (pre?.kind === 'zones') pick.zones.add(pre.id);
    // first visit: every ready zone dataset ticked (a county screens against all of them)
    if (pick.zones.size === 0) for (const d of ready('zones')) pick.zones.add(d.id);
    for (const id of pick.zones) if (!ready('zones').some((d) => d.id === id)) pick.zones.delete(id);
  }

  async function start(): Promise<void> {
    error = null;
    busy = true;
    render();
    try {
      const sliver = Number(pick.sliver);
      const body = {
        licences: pick.licences,
        zones: [...pick.zones],
        ...(pick.reserves ? { reserves: pick.reserves } : {}),
        ...(Number.isFinite(sliver) && pick.sliver.trim() !== '' ? { sliver_m2: sliver } : {}),
      };
      const { id } = await api.startRun(body);
      hooks.onOpen(id);
      hooks.refreshRuns();
    } catch (err) {
      error = errorText(err);
    } finally {
      busy = false;
      render();
    }
  }

  function follow(r: Run): void {
    source?.close();
    source = null;
    run = r;
    render();
    if (r.status === 'done' || r.status === 'failed') return;
    const es = new EventSource(urls.events(r.id));
    source = es;
    const mine = (): boolean => source === es && run?.id === r.id;
    es.addEventListener('progress', (e) => {
      if (!mine() || !run) return;
      const p = JSON.parse((e as MessageEvent<string>).data) as Run['progress'];
      run = { ...run, status: 'running', progress: p };
      updateProgress();
    });
    const end = (e: Event): void => {
      if (!mine()) return;
      es.close();
      source = null;
      run = JSON.parse((e as MessageEvent<string>).data) as Run;
      render();
      hooks.refreshRuns();
      if (run.status === 'done') hooks.onDone(run);
    };
    es.addEventListener('done', end);
    es.addEventListener('failed', end);
    // the browser reconnects by itself; the server resends the state on connect
  }

  function progressView(): HTMLElement | null {
    if (!run) return null;
    const { done, total } = run.progress ?? { done: 0, total: 0 };
    const pct = total > 0 ? Math.round((done / total) * 1000) / 10 : run.status === 'done' ? 100 : 0;
    return h(
      'div',
      { class: 'run-progress', testid: 'run-current', 'data-run-id': run.id, 'data-status': run.status },
      h('div', { class: 'run-progress-head' }, h('span', { class: 'mono' }, run.id), h('span', { class: `badge run-${run.status}`, testid: 'run-status' }, t(RUN_STATUS[run.status]))),
      h(
        'div',
        { class: 'progress', role: 'progressbar', testid: 'run-progress', 'aria-label': t('progress'), 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'data-done': done, 'data-total': total },
        h('div', { class: 'progress-fill', style: `width:${pct}%` }),
      ),
      h('div', { class: 'progress-text', testid: 'run-progress-text' }, t('progress_of', { done: fixed(done, 0), total: fixed(total, 0) }), ` · ${pct}%`),
      run.error ? h('div', { class: 'error', role: 'alert', testid: 'run-error-message' }, run.error) : null,
      run.warnings && run.warnings.length > 0 ? h('ul', { class: 'warnings', testid: 'run-warnings' }, run.warnings.map((w) => h('li', null, w))) : null,
      run.counts ? h('div', { class: 'hint' }, (Object.entries(run.counts) as Array<[keyof typeof run.counts, number]>).map(([k, n]) => `${statusLabel(k)} ${n}`).join(' · ')) : null,
    );
  }

  function updateProgress(): void {
    const old = el.querySelector('[data-testid="run-current"]');
    const next = progressView();
    if (old && next) old.replaceWith(next);
    else render();
  }

  function label(d: Dataset): string {
    const base = `${d.name} · ${fixed(d.feature_count, 0)} · ${d.crs?.epsg ? `EPSG:${d.crs.epsg}` : '?'}`;
    return d.status === 'needs_crs' ? `${base} (${t('ds_needs_crs')})` : base;
  }

  function render(): void {
    const of = (k: Dataset['kind']): Dataset[] => datasets.filter((d) => d.kind === k);
    const licences = h(
      'select',
      { testid: 'run-licences', onchange: (e: Event) => (pick.licences = (e.target as HTMLSelectElement).value) },
      of('licences').length === 0 ? h('option', { value: '' }, t('no_datasets')) : null,
      of('licences').map((d) => h('option', { value: d.id, selected: d.id === pick.licences, disabled: d.status !== 'ready' }, label(d))),
    );
    const zones = h(
      'fieldset',
      { class: 'checks', testid: 'run-zones' },
      h('legend', null, t('run_zones')),
      of('zones').length === 0 ? h('p', { class: 'hint' }, t('no_datasets')) : null,
      of('zones').map((d) =>
        h(
          'label',
          null,
          h('input', {
            type: 'checkbox',
            testid: `run-zone-${d.id}`,
            value: d.id,
            checked: pick.zones.has(d.id),
            disabled: d.status !== 'ready',
            onchange: (e: Event) => ((e.target as HTMLInputElement).checked ? pick.zones.add(d.id) : pick.zones.delete(d.id)),
          }),
          ` ${label(d)} `,
          h('small', { class: 'hint' }, t(guessZoneType(d) === 'nature_reserve' ? 'kind_nature_reserve' : 'kind_redline')),
        ),
      ),
    );
    const reserves = h(
      'select',
      { testid: 'run-reserves', onchange: (e: Event) => (pick.reserves = (e.target as HTMLSelectElement).value) },
      h('option', { value: '', selected: pick.reserves === '' }, t('no_reserves')),
      of('reserves').map((d) => h('option', { value: d.id, selected: d.id === pick.reserves, disabled: d.status !== 'ready' }, label(d))),
    );
    const sliver = h('input', { type: 'number', min: 0, step: 'any', testid: 'run-sliver', value: pick.sliver, oninput: (e: Event) => (pick.sliver = (e.target as HTMLInputElement).value) });
    const running = run !== null && (run.status === 'queued' || run.status === 'running');
    fill(
      el,
      h('h2', null, t('screening_title')),
      h(
        'form',
        {
          class: 'run-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            void start();
          },
        },
        field(t('run_licences'), licences),
        zones,
        h('div', { class: 'grid2' }, field(t('run_reserves'), reserves), field(t('run_sliver'), sliver, t('run_sliver_hint'))),
        h('button', { type: 'submit', class: 'primary', testid: 'start-run', disabled: busy || running }, t('start_run')),
        error ? h('div', { class: 'error', role: 'alert', testid: 'run-error' }, error) : null,
      ),
      progressView(),
      h('h3', null, t('runs_history')),
      runs.length === 0
        ? h('p', { class: 'hint' }, t('no_runs'))
        : h(
            'table',
            { class: 'runs', testid: 'runs-list' },
            h('thead', null, h('tr', null, h('th', null, t('run_id')), h('th', null, t('created_at')), h('th', null, t('status')), h('th', null, h('span', { class: 'visually-hidden' }, t('open'))))),
            h(
              'tbody',
              null,
              [...runs].sort((a, b) => b.created_at.localeCompare(a.created_at)).map((r) =>
                h(
                  'tr',
                  { 'data-run-id': r.id, class: r.id === run?.id ? 'selected' : '' },
                  h('td', { class: 'mono' }, r.id),
                  h('td', null, dateTime(r.created_at)),
                  h('td', null, t(RUN_STATUS[r.status])),
                  h('td', null, h('button', { type: 'button', class: 'link', testid: 'open-run', onclick: () => hooks.onOpen(r.id) }, t('open'))),
                ),
              ),
            ),
          ),
    );
  }

  render();
  onLanguage(render);
  return {
    el,
    setDatasets(list, preselect) {
      datasets = list;
      defaults(preselect);
      render();
    },
    setRuns(list) {
      runs = list;
      render();
    },
    follow,
    current: () => run,
  };
}
