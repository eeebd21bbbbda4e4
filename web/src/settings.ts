/**
 * Settings (stored by the server): the raster basemap URL template — empty for the offline map —
 * and the default administrative division code of uploads.
 */
import { api, USER_KEY, type Settings } from './api.ts';
import { errorText, field, fill, h } from './dom.ts';
import { onLanguage, t } from './i18n.ts';

const TIANDITU_EXAMPLE = 'https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=…';

export interface SettingsDialog {
  el: HTMLDialogElement;
  open(): void;
  current(): Settings;
}

export function createSettings(initial: Settings, onSaved: (s: Settings) => void): SettingsDialog {
  let settings = initial;
  const el = h('dialog', { class: 'settings', testid: 'settings-dialog', 'aria-labelledby': 'settings-title' });

  function render(): void {
    const url = h('input', { type: 'text', inputmode: 'url', testid: 'settings-basemap-url', value: settings.basemap_url ?? '', placeholder: TIANDITU_EXAMPLE, spellcheck: 'false' });
    const division = h('input', { type: 'text', testid: 'settings-division', value: settings.division_code, pattern: '\\d{6}(\\d{3}){0,2}', inputmode: 'numeric' });
    const operator = h('input', { type: 'text', testid: 'settings-operator', value: localStorage.getItem(USER_KEY) ?? '', autocomplete: 'name' });
    const msg = h('div', { role: 'status', testid: 'settings-message' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'settings-title' }, t('settings')),
      field(t('basemap_url'), url, t('basemap_hint')),
      h('p', { class: 'hint mono example' }, TIANDITU_EXAMPLE),
      field(t('division_code'), division, t('division_hint')),
      field(t('operator'), operator, t('operator_hint')),
      msg,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', testid: 'settings-cancel', onclick: () => el.close() }, t('cancel')),
        h('button', { type: 'submit', class: 'primary', testid: 'settings-save' }, t('save')),
      ),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      localStorage.setItem(USER_KEY, operator.value.trim());
      const next: Settings = { ...settings, basemap_url: url.value.trim() || null, division_code: division.value.trim() || '000000' };
      try {
        settings = await api.putSettings(next);
      } catch (err) {
        msg.className = 'error';
        msg.textContent = errorText(err);
        return;
      }
      onSaved(settings);
      el.close();
    });
    fill(el, form);
  }

  render();
  onLanguage(render);
  return {
    el,
    open() {
      render();
      el.showModal();
    },
    current: () => settings,
  };
}
