/**
 * The case panel: one licence of a run — its areas (plane and ellipsoidal, in 平方米 / 公顷 /
 * 平方公里), exit ratio, remaining parts, warnings; the zones it overlaps; the reserve blocks under
 * its exit range; the compensation; the finance row; the decision; the audit history.
 */
import { api, USER_KEY, type AuditEntry, type CaseDetail, type ExitKind } from './api.ts';
import { statusBadge } from './cases.ts';
import { compensationSection, financeSection } from './compensation.ts';
import { errorText, field, fill, h, type Child } from './dom.ts';
import { areaAll, areaSpan, dateTime, percent, quantity } from './format.ts';
import { onLanguage, t, zoneTypeLabel, type Key } from './i18n.ts';


export interface CasePanel {
  el: HTMLElement;
  show(runId: string, detail: CaseDetail): void;
  hide(): void;
  showError(message: string): void;
  isOpen(): boolean;
}

function section(id: string, title: Key, open: boolean, ...content: Child[]): HTMLElement {
  return h('details', { class: 'case-section', testid: `case-${id}`, open }, h('summary', null, h('h3', null, t(title))), ...content);
}

function summary(d: CaseDetail): HTMLElement {
  const l = d.licence;
  const th = (k: Key, title: Key): HTMLElement => h('th', { scope: 'col', class: 'num', title: t(title) }, t(k));
  return h(
    'div',
    null,
    h('p', { class: 'case-meta' }, h('span', { testid: 'case-status' }, statusBadge(l.status)), l.licence_type ? ` · ${t(`type_${l.licence_type}` as Key)}` : ''),
    h(
      'table',
      { class: 'areas', testid: 'case-areas' },
      h('thead', null, h('tr', null, h('td'), th('area_plane', 'area_plane_title'), th('area_ellipsoidal', 'area_ellipsoidal_title'))),
      h(
        'tbody',
        null,
        h('tr', { 'data-row': 'licence' }, h('th', { scope: 'row' }, t('licence_area')), h('td', { class: 'num' }, areaAll(l.licence_area_plane_m2)), h('td', { class: 'num' }, areaAll(l.licence_area_ellipsoidal_m2))),
        h('tr', { 'data-row': 'exit' }, h('th', { scope: 'row' }, t('exit_area')), h('td', { class: 'num' }, areaAll(l.exit_area_plane_m2)), h('td', { class: 'num' }, areaAll(l.exit_area_ellipsoidal_m2))),
      ),
    ),
    h(
      'dl',
      { class: 'kv' },
      h('dt', null, t('exit_ratio')), h('dd', { testid: 'case-exit-ratio' }, percent(l.exit_ratio, 4)),
      h('dt', null, t('remaining_parts')), h('dd', { testid: 'case-remaining-parts' }, String(l.remaining_parts)),
      h('dt', null, t('zone_ids')), h('dd', { class: 'mono' }, l.zone_ids.length > 0 ? l.zone_ids.join('; ') : '—'),
    ),
    l.warnings.length > 0 ? h('ul', { class: 'warnings', testid: 'case-warnings' }, l.warnings.map((w) => h('li', null, w))) : null,
  );
}

function zonesTable(d: CaseDetail): Child {
  if (d.zones.length === 0) return h('p', { class: 'hint' }, t('no_zones'));
  return h(
    'table',
    { class: 'compact-table' },
    h('thead', null, h('tr', null, (['zone_name', 'zone_type', 'overlap_plane', 'overlap_ellipsoidal'] as const).map((k) => h('th', { scope: 'col', class: k.startsWith('overlap') ? 'num' : '' }, t(k))))),
    h(
      'tbody',
      null,
      d.zones.map((z) =>
        h(
          'tr',
          { 'data-zone-id': z.zone_id },
          h('td', null, h('div', null, z.zone_name || '—'), h('div', { class: 'mono hint' }, z.zone_id)),
          h('td', null, zoneTypeLabel(z.zone_type)),
          h('td', { class: 'num' }, areaSpan(z.overlap_area_plane_m2)),
          h('td', { class: 'num' }, areaSpan(z.overlap_area_ellipsoidal_m2)),
        ),
      ),
    ),
  );
}

function blocksTable(d: CaseDetail): Child {
  if (d.blocks.length === 0) return h('p', { class: 'hint' }, t('no_blocks'));
  const cols: Key[] = ['block_id', 'category', 'block_area', 'ore_t', 'metal_t', 'exit_fraction', 'exit_ore_t', 'exit_metal_t'];
  return h(
    'div',
    { class: 'scroll-x' },
    h(
      'table',
      { class: 'compact-table' },
      h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
      h(
        'tbody',
        null,
        d.blocks.map((b) => [
          h(
            'tr',
            { 'data-block-id': b.block_id },
            h('td', null, b.block_id),
            h('td', null, b.category),
            h('td', { class: 'num' }, areaSpan(b.block_area_plane_m2)),
            h('td', { class: 'num' }, quantity(b.ore_t)),
            h('td', { class: 'num' }, quantity(b.metal_t, 4)),
            h('td', { class: 'num' }, percent(b.exit_fraction)),
            h('td', { class: 'num' }, quantity(b.exit_ore_t)),
            h('td', { class: 'num' }, quantity(b.exit_metal_t, 4)),
          ),
          b.note ? h('tr', { class: 'note-row' }, h('td', { colspan: cols.length, class: 'hint' }, b.note)) : null,
        ]),
      ),
    ),
  );
}

function actionLabel(action: string): string {
  const key = `audit_${action.replace(/\W/g, '_')}`;
  const text = t(key as Key);
  return text === key ? action : text;
}

function auditList(items: AuditEntry[]): HTMLElement {
  const show = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  const changes = (e: AuditEntry): Child => {
    const b = e.before && typeof e.before === 'object' ? (e.before as Record<string, unknown>) : {};
    const a = e.after && typeof e.after === 'object' ? (e.after as Record<string, unknown>) : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => show(b[k]) !== show(a[k]));
    if (keys.length === 0 && typeof e.after !== 'object') return h('div', { class: 'mono' }, `${show(e.before)} → ${show(e.after)}`);
    return h('ul', { class: 'changes' }, keys.map((k) => h('li', null, h('span', { class: 'mono' }, k), ': ', show(b[k]), ' → ', h('strong', null, show(a[k])))));
  };
  const sorted = [...items].sort((x, y) => y.at.localeCompare(x.at));
  if (sorted.length === 0) return h('p', { class: 'hint', testid: 'audit-list', 'data-count': 0 }, t('no_audit'));
  return h(
    'ol',
    { class: 'audit', testid: 'audit-list', 'data-count': sorted.length },
    sorted.map((e) => h('li', { testid: 'audit-entry', 'data-action': e.action }, h('div', null, h('strong', null, actionLabel(e.action)), ' · ', e.by, ' · ', h('time', { datetime: e.at }, dateTime(e.at)), ' ', h('small', { class: 'mono' }, e.entity)), changes(e))),
  );
}

export function createCasePanel(hooks: { onClose: () => void; onFit: () => void; onChanged: () => void; reload: () => void }): CasePanel {
  const el = h('aside', { class: 'case-panel', testid: 'case-panel', hidden: true, 'aria-labelledby': 'case-title' });
  let current: { runId: string; detail: CaseDetail } | null = null;
  const openSections = new Set(['summary', 'zones', 'blocks', 'compensation', 'decision']);

  function decisionForm(runId: string, d: CaseDetail): HTMLElement {
    const dec = d.decision;
    const kind: ExitKind = dec?.exit_kind ?? (d.licence.status === 'whole' ? 'whole' : 'partial');
    const radio = (k: ExitKind, label: Key): HTMLElement =>
      h('label', null, h('input', { type: 'radio', name: 'exit_kind', value: k, checked: kind === k, testid: `decision-exit-kind-${k}` }), ' ', t(label));
    const reviewed = h('input', { type: 'checkbox', testid: 'decision-reviewed', checked: dec?.reviewed ?? false });
    const note = h('textarea', { testid: 'decision-note', rows: 3 });
    note.value = dec?.note ?? '';
    const by = h('input', { type: 'text', testid: 'decision-by', value: dec?.by ?? localStorage.getItem(USER_KEY) ?? '', required: true, autocomplete: 'name' });
    const msg = h('div', { role: 'status', testid: 'decision-message' }, dec ? t('decided_by', { by: dec.by, at: dateTime(dec.at) }) : '');
    const form = h(
      'form',
      { class: 'decision-form', testid: 'decision-form' },
      h('fieldset', { class: 'radios' }, h('legend', null, t('exit_kind')), radio('whole', 'exit_whole'), radio('partial', 'exit_partial')),
      h('label', { class: 'check' }, reviewed, ' ', t('reviewed')),
      field(t('note'), note),
      field(t('decided_by_label'), by),
      h('button', { type: 'submit', class: 'primary', testid: 'decision-save' }, t('save_decision')),
      msg,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const exitKind = (form.querySelector<HTMLInputElement>('input[name="exit_kind"]:checked')?.value ?? kind) as ExitKind;
      localStorage.setItem(USER_KEY, by.value.trim());
      try {
        const saved = await api.putDecision(runId, d.licence.licence_id, { exit_kind: exitKind, reviewed: reviewed.checked, note: note.value, by: by.value.trim() });
        msg.className = 'ok';
        msg.textContent = `${t('saved')} · ${t('decided_by', { by: saved.by, at: dateTime(saved.at) })}`;
        if (current) current.detail = { ...current.detail, decision: saved };
        const audit = await api.audit(runId, d.licence.licence_id).catch(() => null);
        if (audit && current) {
          current.detail.audit = audit;
          el.querySelector('[data-testid="audit-list"]')?.replaceWith(auditList(audit));
        }
        hooks.onChanged();
      } catch (err) {
        msg.className = 'error';
        msg.textContent = errorText(err);
      }
    });
    return form;
  }

  function render(): void {
    if (!current) {
      el.hidden = true;
      fill(el);
      return;
    }
    const { runId, detail: d } = current;
    const l = d.licence;
    const sections = [
      section('summary', 'case_summary', openSections.has('summary'), summary(d)),
      section('zones', 'case_zones', openSections.has('zones'), zonesTable(d)),
      section('blocks', 'case_blocks', openSections.has('blocks'), blocksTable(d)),
      section('compensation', 'case_compensation', openSections.has('compensation'), compensationSection(runId, d, hooks.reload)),
      section('finance', 'case_finance', openSections.has('finance'), financeSection(runId, d, hooks.reload)),
      section('decision', 'case_decision', openSections.has('decision'), decisionForm(runId, d)),
      section('audit', 'case_audit', openSections.has('audit'), auditList(d.audit ?? [])),
    ];
    for (const s of sections) {
      s.addEventListener('toggle', () => {
        const id = (s.dataset.testid ?? '').replace(/^case-/, '');
        if ((s as HTMLDetailsElement).open) openSections.add(id);
        else openSections.delete(id);
      });
    }
    el.hidden = false;
    el.dataset.licenceId = l.licence_id;
    fill(
      el,
      h(
        'header',
        { class: 'case-head' },
        h('div', null, h('h2', { id: 'case-title', class: 'mono', testid: 'case-licence-id' }, l.licence_id), h('div', { class: 'case-name', testid: 'case-name' }, l.name || '—')),
        h(
          'div',
          { class: 'case-actions' },
          h('button', { type: 'button', testid: 'case-fit', title: t('fit_case'), onclick: () => hooks.onFit() }, t('fit_case')),
          h('button', { type: 'button', class: 'close', testid: 'case-close', 'aria-label': t('close'), onclick: () => hooks.onClose() }, '×'),
        ),
      ),
      h('div', { class: 'case-body' }, sections),
    );
  }

  onLanguage(render);
  return {
    el,
    show(runId, detail) {
      current = { runId, detail };
      render();
    },
    hide() {
      current = null;
      render();
    },
    showError(message) {
      current = null;
      el.hidden = false;
      fill(el, h('header', { class: 'case-head' }, h('h2', { id: 'case-title' }, t('case')), h('button', { type: 'button', class: 'close', testid: 'case-close', 'aria-label': t('close'), onclick: () => hooks.onClose() }, '×')), h('div', { class: 'error', role: 'alert', testid: 'case-error' }, message));
    },
    isOpen: () => !el.hidden,
  };
}

