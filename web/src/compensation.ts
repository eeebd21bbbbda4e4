/**
 * The compensation breakdown of a case (each line item with its rule, clause, formula in words
 * and inputs with their sources; gross, restoration deduction, payable, owed by the holder, who
 * pays) and the finance form the calculation reads.
 */
import { api, type CaseDetail, type FinanceCells, type LicenceCompensation, type Policy, type TraceInput } from './api.ts';
import { errorText, field, h, type Child } from './dom.ts';
import { moneySpan } from './format.ts';
import { t, type Key } from './i18n.ts';

export const POLICIES: Array<[Policy, Key, Key]> = [
  ['hainan-2023', 'policy_hainan', 'policy_hainan_doc'],
  ['bayannur-2020', 'policy_bayannur', 'policy_bayannur_doc'],
];

/** The finance columns of `redline compensate` (server/compensation/finance.ts) and their inputs. */
const CHOICES: Record<string, string[]> = {
  licence_type: ['exploration', 'mining', 'enterprise'],
  exit_kind: ['whole', 'partial'],
  approval_level: ['province', 'city_county'],
  price_basis: ['reserves', 'area'],
  reserve_quantity: ['ore', 'metal'],
  restoration: ['accepted', 'not_needed', 'not_done'],
  licence_valid: ['yes', 'no'],
  consolidation_compensated: ['yes', 'no'],
  court_ordered: ['yes', 'no'],
};
export const FINANCE_COLUMNS = [
  'licence_type', 'exit_kind', 'approval_level', 'certificate_area_km2', 'paid_price_yuan', 'price_basis', 'basis_reserves_t',
  'reserve_quantity', 'exploration_investment_yuan', 'fiscal_share', 'facilities_yuan', 'relocation_yuan',
  'appraised_investment_yuan', 'restoration', 'restoration_cost_yuan', 'established_date', 'price_paid_date', 'licence_valid',
  'consolidation_compensated', 'court_ordered', 'enterprise_amount_yuan',
] as const;

const ITEM: Record<string, Key> = { price_refund: 'item_price_refund', investment: 'item_investment', facilities: 'item_facilities' };
const PAYERS: Array<[string, Key]> = [
  ['central_yuan', 'payer_central'],
  ['province_yuan', 'payer_province'],
  ['city_county_yuan', 'payer_city_county'],
  ['local_unsplit_yuan', 'payer_local_unsplit'],
  ['unallocated_yuan', 'payer_unallocated'],
];

function inputsTable(inputs: TraceInput[]): HTMLElement {
  return h(
    'table',
    { class: 'inputs' },
    h('thead', null, h('tr', null, h('th', null, t('input_name')), h('th', { class: 'num' }, t('input_value')), h('th', null, t('input_source')))),
    h('tbody', null, inputs.map((i) => h('tr', null, h('td', null, i.name), h('td', { class: 'num' }, `${i.value} ${i.unit}`), h('td', { class: 'source' }, i.source)))),
  );
}

function payers(p: Record<string, string> | null | undefined): Child {
  if (!p) return null;
  const rows = PAYERS.filter(([k]) => p[k] !== undefined && Number(p[k]) !== 0);
  if (rows.length === 0) return null;
  return h('dl', { class: 'kv payers' }, rows.map(([k, label]) => [h('dt', null, t(label)), h('dd', null, moneySpan(p[k]))]), p.basis ? [h('dt', null, t('payers_basis')), h('dd', null, p.basis)] : null);
}

export function renderCompensation(c: LicenceCompensation): HTMLElement {
  return h(
    'div',
    { class: 'compensation', testid: 'compensation-result', 'data-eligible': String(c.eligible) },
    h('p', null, h('span', { class: `badge ${c.eligible ? 'ok' : 'bad'}`, testid: 'compensation-eligible' }, t(c.eligible ? 'eligible' : 'not_eligible'))),
    c.reasons.length > 0 ? h('ul', { class: 'reasons' }, c.reasons.map((r) => h('li', null, r))) : null,
    c.checks && c.checks.length > 0
      ? h('details', null, h('summary', null, t('checks')), h('ul', { class: 'checks-list' }, c.checks.map((k) => h('li', { class: k.passed ? 'ok' : 'bad' }, k.passed ? '✓ ' : '✗ ', k.text, ' ', h('small', null, k.clause)))))
      : null,
    c.line_items.map((i) =>
      h(
        'article',
        { class: 'line-item', testid: 'compensation-item', 'data-item': i.item },
        h('header', null, h('strong', null, ITEM[i.item] ? t(ITEM[i.item]) : i.item), ' · ', i.rule, h('span', { class: 'amount', testid: 'compensation-item-result' }, moneySpan(i.result_yuan))),
        h('div', { class: 'clause' }, t('clause'), ': ', i.clause),
        h('div', { class: 'formula' }, t('formula'), ': ', i.formula),
        inputsTable(i.inputs),
        i.unrounded ? h('div', { class: 'hint' }, t('unrounded'), ': ', i.unrounded) : null,
        payers(i.payers),
      ),
    ),
    c.restoration
      ? h(
          'article',
          { class: 'line-item restoration' },
          h('header', null, h('strong', null, t('restoration')), ' · ', t(`restoration_${c.restoration.status}` as Key), h('span', { class: 'amount' }, moneySpan(c.restoration.deduction_yuan))),
          h('div', { class: 'clause' }, t('clause'), ': ', c.restoration.clause),
          h('div', { class: 'formula' }, t('formula'), ': ', c.restoration.formula),
          c.restoration.inputs.length > 0 ? inputsTable(c.restoration.inputs) : null,
        )
      : null,
    h(
      'dl',
      { class: 'kv totals' },
      h('dt', null, t('gross')), h('dd', { testid: 'compensation-gross' }, moneySpan(c.gross_yuan)),
      h('dt', null, t('restoration_deduction')), h('dd', { testid: 'compensation-deduction' }, moneySpan(c.restoration_deduction_yuan)),
      h('dt', null, t('payable')), h('dd', { testid: 'compensation-payable' }, h('strong', null, moneySpan(c.payable_yuan))),
      h('dt', null, t('owed_by_holder')), h('dd', { testid: 'compensation-owed' }, moneySpan(c.owed_by_holder_yuan)),
    ),
    c.payers ? h('div', { class: 'who-pays', testid: 'compensation-payers' }, h('h4', null, t('who_pays')), payers(c.payers)) : null,
    c.warnings.length > 0 ? h('ul', { class: 'warnings' }, c.warnings.map((w) => h('li', null, w))) : null,
  );
}

/** The compensation section: policy, run the calculation (for the whole run), the breakdown. */
export function compensationSection(runId: string, d: CaseDetail, reload: () => void): HTMLElement {
  const policy = h('select', { testid: 'compensation-policy' }, POLICIES.map(([p, k, doc]) => h('option', { value: p, selected: d.compensation?.policy === p, title: t(doc) }, t(k))));
  const msg = h('div', { role: 'status', testid: 'compensation-message' });
  const run = h('button', { type: 'button', class: 'primary', testid: 'compensation-run' }, t('compensation_run'));
  run.addEventListener('click', async () => {
    run.disabled = true;
    msg.className = 'hint';
    msg.textContent = t('computing');
    try {
      const r = await api.compensate(runId, policy.value as Policy);
      msg.textContent = r.warnings.length > 0 ? r.warnings.join(' | ') : '';
      reload();
    } catch (err) {
      msg.className = 'error';
      msg.textContent = errorText(err);
    } finally {
      run.disabled = false;
    }
  });
  const result = d.compensation?.result;
  return h(
    'div',
    null,
    h('div', { class: 'inline-form' }, field(t('policy'), policy), run),
    msg,
    result && Array.isArray(result.line_items) ? renderCompensation(result) : h('p', { class: 'hint', testid: 'compensation-none' }, t(d.finance ? 'compensation_not_run' : 'compensation_needs_finance')),
  );
}

/** The finance form: one field per column, choices as selects; saving writes the row. */
export function financeSection(runId: string, d: CaseDetail, reload: () => void): HTMLElement {
  const cells: FinanceCells = d.finance?.cells ?? d.finance ?? {};
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const fields = FINANCE_COLUMNS.map((col) => {
    const value = cells[col] ?? '';
    const choices = CHOICES[col];
    const input = choices
      ? h('select', { testid: `finance-${col}` }, h('option', { value: '' }, '—'), choices.map((c) => h('option', { value: c, selected: value === c }, t(`choice_${c}` as Key))), value && !choices.includes(value) ? h('option', { value, selected: true }, value) : null)
      : h('input', { type: 'text', testid: `finance-${col}`, value, inputmode: /_yuan$|_t$|_km2$|share/.test(col) ? 'decimal' : null, placeholder: /date/.test(col) ? '2016-07-14' : null });
    inputs.set(col, input);
    return field(t(`fin_${col}` as Key), input);
  });
  const msg = h('div', { role: 'status', testid: 'finance-message' });
  const form = h(
    'form',
    { class: 'finance-form', testid: 'finance-form' },
    h('div', { class: 'grid2' }, fields),
    h('button', { type: 'submit', class: 'primary', testid: 'finance-save' }, t('save')),
    msg,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body: Record<string, string | null> = { licence_id: d.licence.licence_id };
    for (const [col, input] of inputs) body[col] = input.value.trim() === '' ? null : input.value.trim();
    try {
      await api.putFinance(runId, d.licence.licence_id, body);
      msg.className = 'ok';
      msg.textContent = t('saved');
      reload();
    } catch (err) {
      msg.className = 'error';
      msg.textContent = errorText(err);
    }
  });
  const file = h('input', { type: 'file', accept: '.csv,.xlsx', testid: 'finance-file', class: 'visually-hidden' });
  const fileMsg = h('div', { role: 'status', testid: 'finance-file-message' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    try {
      const r = await api.uploadFinance(runId, f);
      fileMsg.className = 'ok';
      fileMsg.textContent = t('finance_imported', { n: r.rows });
      reload();
    } catch (err) {
      fileMsg.className = 'error';
      fileMsg.textContent = errorText(err);
    }
  });
  return h('div', null, h('p', { class: 'hint' }, t('finance_intro')), form, h(
      'div',
      { class: 'finance-import' },
      h('label', { class: 'file-button' }, file, h('span', { class: 'button-like' }, t('finance_import')), ' ', h('small', { class: 'hint' }, t('finance_import_hint'))),
      fileMsg,
    ));
}
