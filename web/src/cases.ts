/**
 * The case table of a run: status chips with the count of each overlap class, filters (exit
 * ratio range, licence type, text), sorting by a header, paging; a row opens its case. Rows are
 * focusable: ↑/↓ move, Enter opens.
 */
import { api, STATUSES, type ResultQuery, type ResultRow, type ResultsPage, type Run, type Status } from './api.ts';
import { errorText, field, fill, h } from './dom.ts';
import { AREA_UNITS, areaSpan, areaUnit, fixed, percent, setAreaUnit, unitLabel, type AreaUnit } from './format.ts';
import { onLanguage, statusLabel, t, type Key } from './i18n.ts';
import { STATUS_COLOURS } from './layers.ts';

const PAGE = 50;

interface Column { key: string; label: Key; sortable: boolean; cell: (r: ResultRow) => HTMLElement | string; num?: boolean; unit?: boolean }

export interface CasesPanel {
  el: HTMLElement;
  setRun(run: Run | null): void;
  select(licenceId: string | null): void;
  reload(): Promise<void>;
}

export function statusBadge(s: Status): HTMLElement {
  return h('span', { class: `status status-${s}`, 'data-status': s }, h('span', { class: 'dot', style: `background:${STATUS_COLOURS[s]}`, 'aria-hidden': 'true' }), statusLabel(s));
}

export function createCases(hooks: { onSelect: (licenceId: string) => void }): CasesPanel {
  const el = h('section', { class: 'panel cases', testid: 'cases-panel' });
  let run: Run | null = null;
  let page: ResultsPage | null = null;
  let selected: string | null = null;
  let error: string | null = null;
  let loading = false;
  let seq = 0;
  const q: ResultQuery = { status: [], sort: 'exit_area_ellipsoidal_m2', order: 'desc', limit: PAGE, offset: 0 };
  const filters = { min: '', max: '', type: '', text: '' };

  const columns = (): Column[] => {
    const unit = areaUnit();
    return [
      {
        key: 'licence_id',
        label: 'col_licence',
        sortable: true,
        cell: (r) =>
          h(
            'div',
            { class: 'licence-cell' },
            h('span', { class: 'mono' }, r.licence_id),
            h('span', { class: 'name' }, r.licence_type ? h('span', { class: 'tag' }, t(`type_${r.licence_type}` as Key)) : null, h('span', { class: 'ellipsis', title: r.name }, r.name || '—')),
          ),
      },
      { key: 'status', label: 'col_status', sortable: true, cell: (r) => statusBadge(r.status) },
      { key: 'exit_area_ellipsoidal_m2', label: 'col_exit_area', sortable: true, num: true, unit: true, cell: (r) => areaSpan(r.exit_area_ellipsoidal_m2, unit, false) },
      { key: 'exit_ratio', label: 'col_exit_ratio', sortable: true, num: true, cell: (r) => percent(r.exit_ratio) },
      {
        key: 'decision',
        label: 'col_decision',
        sortable: false,
        cell: (r) => (r.decision ? h('span', { class: r.decision.reviewed ? 'ok' : '' }, t(r.decision.exit_kind === 'whole' ? 'exit_whole_short' : 'exit_partial_short'), r.decision.reviewed ? ' ✓' : '') : '—'),
      },
    ];
  };

  async function load(): Promise<void> {
    if (!run) return;
    const mine = ++seq;
    loading = true;
    error = null;
    const min = filters.min.trim() === '' ? undefined : Number(filters.min) / 100;
    const max = filters.max.trim() === '' ? undefined : Number(filters.max) / 100;
    const query: ResultQuery = {
      ...q,
      min_ratio: min !== undefined && Number.isFinite(min) ? min : undefined,
      max_ratio: max !== undefined && Number.isFinite(max) ? max : undefined,
      licence_type: filters.type === 'mining' || filters.type === 'exploration' ? filters.type : undefined,
      q: filters.text.trim() || undefined,
    };
    renderBody();
    try {
      const p = await api.results(run.id, query);
      if (mine !== seq) return;
      page = p;
    } catch (err) {
      if (mine !== seq) return;
      error = errorText(err);
    }
    loading = false;
    render();
  }

  let typing: number | undefined;
  const later = (): void => {
    window.clearTimeout(typing);
    typing = window.setTimeout(() => {
      q.offset = 0;
      void load();
    }, 300);
  };

  function chips(): HTMLElement {
    const counts = page?.counts ?? run?.counts ?? null;
    const total = counts ? STATUSES.reduce((a, s) => a + (counts[s] ?? 0), 0) : 0;
    const chip = (s: Status | 'all', n: number): HTMLElement => {
      const on = s === 'all' ? (q.status ?? []).length === 0 : (q.status ?? []).includes(s);
      return h(
        'button',
        {
          type: 'button',
          class: `chip${on ? ' on' : ''}`,
          testid: `status-chip-${s}`,
          'data-count': n,
          'aria-pressed': String(on),
          onclick: () => {
            if (s === 'all') q.status = [];
            else q.status = on ? (q.status ?? []).filter((x) => x !== s) : [...(q.status ?? []), s];
            q.offset = 0;
            void load();
          },
        },
        s === 'all' ? t('all') : [h('span', { class: 'dot', style: `background:${STATUS_COLOURS[s]}`, 'aria-hidden': 'true' }), statusLabel(s)],
        ' ',
        h('span', { class: 'count' }, fixed(n, 0)),
      );
    };
    return h('div', { class: 'chips', role: 'group', 'aria-label': t('filter_status') }, chip('all', total), STATUSES.map((s) => chip(s, counts?.[s] ?? 0)));
  }

  function filterRow(): HTMLElement {
    const input = (key: 'min' | 'max' | 'text', testid: string, type: string, placeholder: string): HTMLInputElement =>
      h('input', { type, testid, value: filters[key], placeholder, min: type === 'number' ? 0 : null, max: type === 'number' ? 100 : null, step: 'any', oninput: (e: Event) => ((filters[key] = (e.target as HTMLInputElement).value), later()) });
    const type = h(
      'select',
      { testid: 'filter-licence-type', onchange: (e: Event) => ((filters.type = (e.target as HTMLSelectElement).value), (q.offset = 0), void load()) },
      h('option', { value: '', selected: filters.type === '' }, t('all')),
      h('option', { value: 'mining', selected: filters.type === 'mining' }, t('type_mining')),
      h('option', { value: 'exploration', selected: filters.type === 'exploration' }, t('type_exploration')),
    );
    const unit = h(
      'select',
      { testid: 'area-unit', onchange: (e: Event) => (setAreaUnit((e.target as HTMLSelectElement).value as AreaUnit), render()) },
      AREA_UNITS.map((u) => h('option', { value: u, selected: u === areaUnit() }, unitLabel(u))),
    );
    return h(
      'div',
      { class: 'filters' },
      field(t('filter_q'), input('text', 'filter-q', 'search', t('filter_q_placeholder'))),
      field(t('filter_min_ratio'), input('min', 'filter-min-ratio', 'number', '0')),
      field(t('filter_max_ratio'), input('max', 'filter-max-ratio', 'number', '100')),
      field(t('filter_type'), type),
      field(t('area_unit'), unit),
    );
  }

  const body = h('div', { class: 'table-wrap' });

  function renderBody(): void {
    const cols = columns();
    const head = h(
      'tr',
      null,
      cols.map((c) => {
        const sorted = q.sort === c.key;
        const aria = sorted ? (q.order === 'asc' ? 'ascending' : 'descending') : null;
        const label = c.sortable
          ? h(
              'button',
              {
                type: 'button',
                class: 'sort',
                testid: `sort-${c.key}`,
                onclick: () => {
                  q.order = sorted && q.order === 'desc' ? 'asc' : sorted ? 'desc' : c.num ? 'desc' : 'asc';
                  q.sort = c.key;
                  q.offset = 0;
                  void load();
                },
              },
              t(c.label),
              c.unit ? ` (${unitLabel(areaUnit())})` : '',
              h('span', { 'aria-hidden': 'true' }, sorted ? (q.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'),
            )
          : t(c.label);
        return h('th', { scope: 'col', class: c.num ? 'num' : '', 'aria-sort': aria }, label);
      }),
    );
    const rows = (page?.items ?? []).map((r) => {
      const tr = h(
        'tr',
        { testid: 'result-row', 'data-licence-id': r.licence_id, 'data-status': r.status, tabindex: 0, class: r.licence_id === selected ? 'selected' : '', 'aria-current': r.licence_id === selected ? 'true' : null },
        cols.map((c) => h('td', { class: c.num ? 'num' : '' }, c.cell(r))),
      );
      tr.addEventListener('click', () => hooks.onSelect(r.licence_id));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          hooks.onSelect(r.licence_id);
        } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const next = (e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling) as HTMLElement | null;
          next?.focus();
        }
      });
      return tr;
    });
    const total = page?.total ?? 0;
    const from = total === 0 ? 0 : (q.offset ?? 0) + 1;
    const to = Math.min(total, (q.offset ?? 0) + PAGE);
    fill(
      body,
      h(
        'table',
        { class: `results${loading ? ' loading' : ''}`, testid: 'results-table', 'aria-busy': String(loading), 'aria-label': t('cases_title') },
        h('thead', null, head),
        h('tbody', null, rows.length > 0 ? rows : h('tr', null, h('td', { colspan: cols.length, class: 'hint' }, loading ? t('loading') : t('no_results')))),
      ),
      h(
        'div',
        { class: 'pager' },
        h('button', { type: 'button', testid: 'page-prev', disabled: (q.offset ?? 0) === 0, onclick: () => ((q.offset = Math.max(0, (q.offset ?? 0) - PAGE)), void load()) }, t('prev')),
        h('span', { testid: 'results-total', 'data-total': total }, t('range_of', { from, to, total })),
        h('button', { type: 'button', testid: 'page-next', disabled: to >= total, onclick: () => ((q.offset = (q.offset ?? 0) + PAGE), void load()) }, t('next')),
      ),
    );
  }

  function render(): void {
    if (!run) {
      fill(el, h('h2', null, t('cases_title')), h('p', { class: 'hint' }, t('no_run_open')));
      return;
    }
    const focused = document.activeElement instanceof HTMLElement && el.contains(document.activeElement) ? document.activeElement.dataset.testid : undefined;
    renderBody();
    fill(el, h('h2', null, t('cases_title'), ' ', h('small', { class: 'mono' }, run.id)), chips(), filterRow(), error ? h('div', { class: 'error', role: 'alert' }, error) : null, body);
    // keep typing in a filter field across a re-render
    if (focused && focused.startsWith('filter-')) {
      const input = el.querySelector<HTMLInputElement>(`[data-testid="${focused}"]`);
      input?.focus();
      if (input && input.type !== 'number') input.setSelectionRange(input.value.length, input.value.length);
    }
  }

  render();
  onLanguage(render);
  return {
    el,
    setRun(r) {
      const changed = r?.id !== run?.id;
      run = r;
      if (changed) {
        page = null;
        q.offset = 0;
        q.status = [];
      }
      render();
      if (r) void load();
    },
    select(id) {
      selected = id;
      for (const tr of el.querySelectorAll<HTMLElement>('tr[data-licence-id]')) {
        const on = tr.dataset.licenceId === id;
        tr.classList.toggle('selected', on);
        if (on) tr.setAttribute('aria-current', 'true');
        else tr.removeAttribute('aria-current');
      }
    },
    reload: load,
  };
}
