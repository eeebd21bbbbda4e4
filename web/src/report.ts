/** The validation report of an uploaded layer (server/io/report.ts), as the upload wizard shows it. */
import type { BBox, LayerReport, ReportCrs } from './api.ts';
import { h, type Child } from './dom.ts';
import { fixed } from './format.ts';
import { t, type Key } from './i18n.ts';

const LIST_MAX = 20;

const VERDICT: Record<LayerReport['verdict'], Key> = { ok: 'verdict_ok', warnings: 'verdict_warnings', errors: 'verdict_errors' };

function bboxText(b: BBox | null, decimals: number): string {
  if (!b || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) return '—';
  return `${fixed(b[0], decimals)}, ${fixed(b[1], decimals)} — ${fixed(b[2], decimals)}, ${fixed(b[3], decimals)}`;
}

function crsBlock(crs: ReportCrs): Child {
  if (crs.status === 'unknown') return h('span', { class: 'bad', testid: 'report-crs', 'data-crs-status': 'unknown' }, t('crs_unknown'), ': ', crs.reason);
  const code = crs.epsg !== null ? `EPSG:${crs.epsg}` : '';
  const swapped = crs.swapped ? h('div', { class: 'hint' }, t('crs_swapped')) : null;
  if (crs.status === 'found') {
    return h(
      'span',
      { testid: 'report-crs', 'data-crs-status': 'found', 'data-epsg': crs.epsg ?? '' },
      h('strong', null, code), ' ', crs.name, ' ', h('small', null, `(${t('crs_found_from', { source: crs.source })})`),
      crs.problem ? h('div', { class: 'bad' }, crs.problem) : null,
      swapped,
    );
  }
  return h(
    'span',
    { testid: 'report-crs', 'data-crs-status': 'suggested', 'data-epsg': crs.epsg ?? '' },
    h('span', { class: 'badge warn' }, t('crs_suggested')), ' ', h('strong', null, code), ' ', crs.name,
    h('div', { class: 'hint' }, t('crs_reason'), ': ', crs.reason),
    swapped,
  );
}

function row(label: Key, ...value: Child[]): HTMLElement[] {
  return [h('dt', null, t(label)), h('dd', null, ...value)];
}

function capped<T>(items: T[], render: (x: T) => Child): Child {
  if (items.length === 0) return t('none_found');
  return h(
    'ul',
    { class: 'compact' },
    items.slice(0, LIST_MAX).map((x) => h('li', null, render(x))),
    items.length > LIST_MAX ? h('li', { class: 'hint' }, t('and_more', { n: items.length - LIST_MAX })) : null,
  );
}

const featureRef = (index: number, id: string | null): string => `#${index + 1}${id ? ` (${id})` : ''}`;

export function renderReport(r: LayerReport): HTMLElement {
  const verdict = h('span', { class: `badge verdict-${r.verdict}`, testid: 'report-verdict', 'data-verdict': r.verdict }, t(VERDICT[r.verdict]));
  const geometryChecked = r.geometry_checked;
  return h(
    'section',
    { class: 'report', testid: 'upload-report', 'aria-label': t('report') },
    h('h3', null, t('report'), ' ', verdict),
    h(
      'dl',
      { class: 'kv' },
      row('report_source', r.source, r.layer && r.layer !== r.source ? ` · ${r.layer}` : ''),
      row('report_format', r.format),
      row('report_geometry', h('span', { testid: 'report-geometry-type' }, t(`geom_${r.geometry_type}` as Key))),
      row(
        'report_features',
        h('strong', { testid: 'report-feature-count' }, fixed(r.feature_count, 0)),
        r.multipart_count > 0 ? ` · ${t('multipart', { n: r.multipart_count })}` : '',
        r.vertex_count > 0 ? ` · ${t('vertices', { n: fixed(r.vertex_count, 0) })}` : '',
      ),
      row('report_crs', crsBlock(r.crs)),
      row('report_encoding', r.encoding ? h('span', { testid: 'report-encoding' }, h('strong', null, r.encoding.name), ' ', h('small', null, r.encoding.description)) : '—'),
      row(
        'report_extent',
        h('span', { class: 'mono', testid: 'report-extent' }, bboxText(r.bbox.lonlat, 6)),
        r.bbox.lonlat_note ? h('div', { class: 'hint' }, r.bbox.lonlat_note) : null,
        h('div', { class: 'hint mono' }, t('extent_in_file'), ': ', bboxText(r.bbox.file, 2)),
      ),
      row('report_id_field', r.id_field ?? '—'),
      row('report_fields', h('span', { class: 'fields' }, r.fields.join(', ') || '—')),
      row(
        'report_invalid',
        !geometryChecked
          ? t('not_checked')
          : h('div', { testid: 'report-invalid', 'data-count': r.invalid_geometries.length }, capped(r.invalid_geometries, (g) => [featureRef(g.index, g.id), ': ', g.findings.map((f) => f.reason).join('; '), g.truncated ? ' …' : ''])),
      ),
      row('report_empty', r.empty_shapes.length === 0 ? t('none_found') : r.empty_shapes.slice(0, LIST_MAX).map((i) => `#${i + 1}`).join(', ')),
      row('report_duplicates', h('div', { testid: 'report-duplicates', 'data-count': r.duplicate_ids.length }, capped(r.duplicate_ids, (d) => [h('span', { class: 'mono' }, d.id), ': ', d.features.map((i) => `#${i + 1}`).join(', ')]))),
      row('report_missing_ids', r.missing_ids.length === 0 ? t('none_found') : fixed(r.missing_ids.length, 0)),
      row('report_repairs', h('div', { testid: 'report-repairs', 'data-count': r.repairs.length }, capped(r.repairs, (x) => [featureRef(x.index, x.id), ': ', x.repairs.join('; ')]))),
    ),
    r.notes.length > 0
      ? h(
          'ul',
          { class: 'notes', testid: 'report-notes' },
          r.notes.map((n) => h('li', { class: `note-${n.level}`, 'data-level': n.level }, h('span', { class: `badge ${n.level === 'error' ? 'bad' : 'warn'}` }, t(n.level === 'error' ? 'level_error' : 'level_warning')), ' ', n.message)),
        )
      : null,
  );
}
