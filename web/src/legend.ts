/** The map legend (HTML): a swatch per layer, each a checkbox that shows or hides it. */
import type { Map as MapLibre } from 'maplibre-gl';
import { STATUSES } from './api.ts';
import { fill, h } from './dom.ts';
import { onLanguage, statusLabel, t, type Key } from './i18n.ts';
import { BLOCK_COLOUR, BLOCKS_MINZOOM, REMAINING_COLOUR, setGroupVisible, STATUS_COLOURS, ZONE_COLOURS, type Group } from './layers.ts';

const visible = new Map<Group, boolean>();
let collapsed = false;

interface Entry { group: Group; label: Key; swatch: HTMLElement; note?: string }

function swatch(cls: string, style: string): HTMLElement {
  return h('span', { class: `swatch ${cls}`, style, 'aria-hidden': 'true' });
}

export function createLegend(map: MapLibre, hasBasemap: () => boolean): { el: HTMLElement; render: () => void } {
  const el = h('section', { class: 'legend', testid: 'legend', 'aria-label': t('legend') });
  const render = (): void => {
    el.setAttribute('aria-label', t('legend'));
    const entries: Entry[] = [
      { group: 'licences', label: 'legend_licences', swatch: swatch('sw-line', `border-color:${STATUS_COLOURS.partial}`) },
      { group: 'redline', label: 'legend_redline', swatch: swatch('sw-fill', `background:${ZONE_COLOURS.redline}55;border-color:${ZONE_COLOURS.redline}`) },
      { group: 'nature_reserve', label: 'legend_nature_reserve', swatch: swatch('sw-fill', `background:${ZONE_COLOURS.nature_reserve}55;border-color:${ZONE_COLOURS.nature_reserve}`) },
      { group: 'exit_ranges', label: 'legend_exit_ranges', swatch: swatch('sw-hatch', '') },
      { group: 'remaining_parts', label: 'legend_remaining_parts', swatch: swatch('sw-fill sw-dashed', `background:${REMAINING_COLOUR}22;border-color:${REMAINING_COLOUR}`) },
      { group: 'reserve_blocks', label: 'legend_reserve_blocks', swatch: swatch('sw-line', `border-color:${BLOCK_COLOUR}`), note: t('from_zoom', { z: BLOCKS_MINZOOM }) },
      { group: 'outlines', label: 'legend_outlines', swatch: swatch('sw-line sw-dashed', 'border-color:#6b6357') },
    ];
    if (hasBasemap()) entries.push({ group: 'basemap', label: 'legend_basemap', swatch: swatch('sw-fill', 'background:#c9d6c1') });
    const item = (e: Entry): HTMLElement => {
      const box = h('input', {
        type: 'checkbox',
        checked: visible.get(e.group) ?? true,
        testid: `legend-toggle-${e.group}`,
        onchange: (ev: Event) => {
          const on = (ev.target as HTMLInputElement).checked;
          visible.set(e.group, on);
          setGroupVisible(map, e.group, on);
        },
      });
      return h('li', null, h('label', null, box, e.swatch, t(e.label), e.note ? h('small', null, ` ${e.note}`) : null));
    };
    const statuses = h(
      'ul',
      { class: 'legend-statuses' },
      STATUSES.map((s) => h('li', null, swatch('sw-line', `border-color:${STATUS_COLOURS[s]};background:${STATUS_COLOURS[s]}22`), statusLabel(s))),
    );
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'legend-collapse',
        'aria-expanded': String(!collapsed),
        onclick: () => {
          collapsed = !collapsed;
          render();
        },
      },
      t('legend'),
      collapsed ? ' ▸' : ' ▾',
    );
    if (collapsed) {
      fill(el, toggle);
      return;
    }
    fill(el, toggle, h('ul', null, item(entries[0]), h('li', null, statuses), entries.slice(1).map(item)));
  };
  render();
  onLanguage(render);
  return { el, render };
}
