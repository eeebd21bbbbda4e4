/**
 * The upload wizard: choose what the file holds, drop it (or pick it), read the validation
 * report, and confirm the CRS when the file had none and redline suggests one.
 */
import { api, ApiError, uploadDataset, type Dataset, type DatasetKind, type LayerReport, type UploadOptions, type ZoneType } from './api.ts';
import { errorText, field, fill, h } from './dom.ts';
import { onLanguage, t, type Key } from './i18n.ts';
import { renderReport } from './report.ts';

type KindChoice = 'auto' | 'licences' | 'redline' | 'nature_reserve' | 'reserves';
const KINDS: Array<[KindChoice, Key]> = [
  ['auto', 'kind_auto'],
  ['licences', 'kind_licences'],
  ['redline', 'kind_redline'],
  ['nature_reserve', 'kind_nature_reserve'],
  ['reserves', 'kind_reserves'],
];

interface State {
  kind: KindChoice;
  crs: string;
  layer: string;
  encoding: string;
  busy: boolean;
  progress: number;
  fileName: string | null;
  error: string | null;
  result: { id: string; status: 'ready' | 'needs_crs'; report: LayerReport } | null;
  confirmCrs: string;
  confirmError: string | null;
}

export interface UploadPanel {
  el: HTMLElement;
}

export function createUpload(hooks: { onReady: (datasetId: string) => void; onGoScreening: () => void }): UploadPanel {
  const el = h('section', { class: 'panel', testid: 'upload-panel' });
  const s: State = { kind: 'auto', crs: '', layer: '', encoding: '', busy: false, progress: 0, fileName: null, error: null, result: null, confirmCrs: '', confirmError: null };

  const options = (): UploadOptions => {
    const o: UploadOptions = {};
    if (s.kind === 'licences' || s.kind === 'reserves') o.kind = s.kind;
    if (s.kind === 'redline' || s.kind === 'nature_reserve') {
      o.kind = 'zones' satisfies DatasetKind;
      o.zoneType = s.kind satisfies ZoneType;
    }
    if (s.crs.trim()) o.crs = normaliseCrs(s.crs);
    if (s.layer.trim()) o.layer = s.layer.trim();
    if (s.encoding) o.encoding = s.encoding;
    return o;
  };

  async function send(file: File): Promise<void> {
    Object.assign(s, { busy: true, progress: 0, fileName: file.name, error: null, result: null, confirmError: null });
    render();
    try {
      const r = await uploadDataset(file, options(), (p) => {
        s.progress = p;
        const bar = el.querySelector<HTMLProgressElement>('[data-testid="upload-progress"]');
        if (bar) bar.value = p;
      });
      s.result = r;
      s.confirmCrs = r.report.crs.status === 'suggested' && r.report.crs.epsg !== null ? `EPSG:${r.report.crs.epsg}` : s.crs;
      if (r.status === 'ready') hooks.onReady(r.id);
    } catch (err) {
      s.error = err instanceof ApiError ? err.message : errorText(err);
    } finally {
      s.busy = false;
      render();
    }
  }

  async function confirm(): Promise<void> {
    if (!s.result) return;
    s.busy = true;
    s.confirmError = null;
    render();
    try {
      const ds: Dataset = await api.confirmCrs(s.result.id, normaliseCrs(s.confirmCrs));
      s.result = { id: ds.id, status: ds.status, report: ds.report ?? s.result.report };
      if (ds.status === 'ready') hooks.onReady(ds.id);
    } catch (err) {
      s.confirmError = errorText(err);
    } finally {
      s.busy = false;
      render();
    }
  }

  function render(): void {
    const input = h('input', {
      type: 'file',
      class: 'visually-hidden',
      testid: 'upload-input',
      accept: '.zip,.shp,.gpkg,.geojson,.json,.kml,.kmz,.dxf,.fgb,.csv,.xlsx,.txt',
      disabled: s.busy,
      onchange: (e: Event) => {
        const f = (e.target as HTMLInputElement).files?.[0];
        if (f) void send(f);
      },
    });
    const drop = h(
      'label',
      { class: 'dropzone', testid: 'upload-dropzone' },
      input,
      h('span', { class: 'dropzone-icon', 'aria-hidden': 'true' }, '⇪'),
      h('strong', null, t('drop_here')),
      h('small', null, t('drop_formats')),
    );
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      const f = e.dataTransfer?.files[0];
      if (f && !s.busy) void send(f);
    });

    const kind = h(
      'select',
      { testid: 'upload-kind', onchange: (e: Event) => (s.kind = (e.target as HTMLSelectElement).value as KindChoice) },
      KINDS.map(([v, k]) => h('option', { value: v, selected: s.kind === v }, t(k))),
    );
    const crs = h('input', { type: 'text', testid: 'upload-crs', value: s.crs, placeholder: 'EPSG:4527', oninput: (e: Event) => (s.crs = (e.target as HTMLInputElement).value) });
    const layer = h('input', { type: 'text', testid: 'upload-layer', value: s.layer, oninput: (e: Event) => (s.layer = (e.target as HTMLInputElement).value) });
    const encoding = h(
      'select',
      { testid: 'upload-encoding', onchange: (e: Event) => (s.encoding = (e.target as HTMLSelectElement).value) },
      h('option', { value: '', selected: s.encoding === '' }, t('encoding_auto')),
      h('option', { value: 'GBK', selected: s.encoding === 'GBK' }, 'GBK'),
      h('option', { value: 'UTF-8', selected: s.encoding === 'UTF-8' }, 'UTF-8'),
    );

    fill(
      el,
      h('h2', null, t('upload_title')),
      h('p', { class: 'hint' }, t('upload_intro')),
      h('div', { class: 'grid2' }, field(t('upload_kind'), kind), field(t('upload_crs'), crs, t('upload_crs_hint'))),
      h('details', { class: 'advanced' }, h('summary', null, t('advanced')), h('div', { class: 'grid2' }, field(t('upload_layer'), layer, t('upload_layer_hint')), field(t('upload_encoding'), encoding))),
      drop,
      s.busy && !s.result
        ? h('div', { class: 'busy' }, h('progress', { testid: 'upload-progress', max: 1, value: s.progress, 'aria-label': t('uploading') }), ' ', t('uploading'), ' ', s.fileName ?? '')
        : null,
      s.error ? h('div', { class: 'error', role: 'alert', testid: 'upload-error' }, s.error) : null,
      s.result ? resultView() : null,
    );
  }

  function resultView(): HTMLElement {
    const r = s.result;
    if (!r) return h('div');
    const confirmInput = h('input', { type: 'text', testid: 'confirm-crs-input', value: s.confirmCrs, oninput: (e: Event) => (s.confirmCrs = (e.target as HTMLInputElement).value) });
    return h(
      'div',
      { class: 'upload-result', testid: 'upload-result', 'data-dataset-id': r.id, 'data-status': r.status },
      h('p', null, h('span', { class: 'mono' }, r.id), ' · ', s.fileName ?? '', ' · ', h('strong', { testid: 'upload-status' }, t(r.status === 'ready' ? 'ds_ready' : 'ds_needs_crs'))),
      renderReport(r.report),
      r.status === 'needs_crs'
        ? h(
            'form',
            {
              class: 'confirm',
              onsubmit: (e: Event) => {
                e.preventDefault();
                void confirm();
              },
            },
            h('p', null, t('confirm_intro')),
            field(t('confirm_crs_label'), confirmInput),
            h('button', { type: 'submit', class: 'primary', testid: 'confirm-crs', disabled: s.busy || !s.confirmCrs.trim() }, t('confirm_crs')),
            s.confirmError ? h('div', { class: 'error', role: 'alert', testid: 'confirm-error' }, s.confirmError) : null,
          )
        : h('p', null, h('button', { type: 'button', class: 'primary', testid: 'goto-screening', onclick: () => hooks.onGoScreening() }, t('goto_screening'))),
    );
  }

  render();
  onLanguage(render);
  return { el };
}

/** "4527" or "epsg 4527" → "EPSG:4527" */
function normaliseCrs(text: string): string {
  const m = /^\s*(?:epsg)?\s*[:：]?\s*(\d+)\s*$/i.exec(text);
  return m ? `EPSG:${m[1]}` : text.trim();
}
