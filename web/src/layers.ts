/**
 * The data layers of a run: its datasets as vector tiles (licences coloured by status once the
 * results are in, the red line, nature reserves, reserve blocks from zoom 12), the exit ranges
 * hatched in red and the remaining parts from the run's GeoJSON layers, and the open case drawn
 * on top. Clicking a licence (or its exit range) opens its case; clicking a zone names it.
 */
import type { FeatureCollection } from 'geojson';
import type { ExpressionSpecification, FilterSpecification, GeoJSONSource, LayerSpecification, Map as MapLibre, MapGeoJSONFeature } from 'maplibre-gl';
import * as maplibregl from 'maplibre-gl';
import type { CaseDetail, Dataset, Run, Status, ZoneType } from './api.ts';
import { urls } from './api.ts';
import { h } from './dom.ts';
import { statusLabel, t, zoneTypeLabel } from './i18n.ts';
import { DATA_BEFORE, HATCH, setVisible, whenLoaded } from './map.ts';

export const STATUS_COLOURS: Record<Status, string> = {
  whole: '#b2182b',
  partial: '#e66101',
  sliver: '#c9a400',
  touch: '#4393c3',
  none: '#6f6f6f',
};
export const UNKNOWN_COLOUR = '#404040';
export const ZONE_COLOURS: Record<ZoneType, string> = { redline: '#1a9641', nature_reserve: '#018571' };
export const EXIT_COLOUR = '#d7191c';
export const REMAINING_COLOUR = '#2c7fb8';
export const BLOCK_COLOUR = '#8c510a';
export const BLOCKS_MINZOOM = 12;

/** Legend groups and the layers each one shows or hides. */
export type Group = 'licences' | 'redline' | 'nature_reserve' | 'exit_ranges' | 'remaining_parts' | 'reserve_blocks' | 'outlines' | 'basemap';

let added: { layers: string[]; sources: string[] } = { layers: [], sources: [] };
const groups = new Map<Group, string[]>();
const hiddenZoneTypes = new Set<ZoneType>();
let zoneLayers: Array<{ fill: string; line: string; type: ExpressionSpecification }> = [];
let statusById = new Map<string, Status>();
let licenceColour: ExpressionSpecification | string = UNKNOWN_COLOUR;

/** The type a zone file holds when its features do not say: from the file name. */
export function guessZoneType(ds: Dataset): ZoneType {
  return /reserve|保护区|nature|zrbhq/i.test(ds.name) ? 'nature_reserve' : 'redline';
}

function zoneType(fallback: ZoneType): ExpressionSpecification {
  return ['match', ['to-string', ['coalesce', ['get', 'zone_type'], fallback]], ['nature_reserve', '自然保护区'], 'nature_reserve', 'redline'];
}

function vectorSource(map: MapLibre, id: string, ds: Dataset): void {
  const box = ds.bbox ?? ds.report?.bbox?.lonlat;
  const bounds = box && box.length === 4 && box.every((v) => typeof v === 'number' && Number.isFinite(v)) ? box : undefined;
  map.addSource(id, { type: 'vector', tiles: [urls.datasetTiles(ds.id)], minzoom: 0, maxzoom: 16, ...(bounds ? { bounds } : {}) });
  added.sources.push(id);
}

function add(map: MapLibre, layer: LayerSpecification, group: Group | null): void {
  map.addLayer(layer, DATA_BEFORE);
  added.layers.push(layer.id);
  if (group) groups.set(group, [...(groups.get(group) ?? []), layer.id]);
}

export function clearRun(map: MapLibre): void {
  for (const id of [...added.layers].reverse()) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of added.sources) if (map.getSource(id)) map.removeSource(id);
  added = { layers: [], sources: [] };
  groups.clear();
  zoneLayers = [];
}

/** Draws a run's datasets and result layers (replacing the previous run's). */
export function showRun(map: MapLibre, run: Run, datasets: Map<string, Dataset>): void {
  // reset now, not when the style is ready: the colours may arrive before that
  statusById = new Map();
  licenceColour = UNKNOWN_COLOUR;
  whenLoaded(map, () => {
    clearRun(map);
    run.zones.forEach((zid, i) => {
      const ds = datasets.get(zid);
      if (!ds) return;
      const src = `zones-${i}`;
      vectorSource(map, src, ds);
      const type = zoneType(guessZoneType(ds));
      const colour: ExpressionSpecification = ['match', type, 'nature_reserve', ZONE_COLOURS.nature_reserve, ZONE_COLOURS.redline];
      zoneLayers.push({ fill: `${src}-fill`, line: `${src}-line`, type });
      add(map, { id: `${src}-fill`, type: 'fill', source: src, 'source-layer': 'features', paint: { 'fill-color': colour, 'fill-opacity': 0.28 } }, null);
      add(map, { id: `${src}-line`, type: 'line', source: src, 'source-layer': 'features', paint: { 'line-color': colour, 'line-width': 1 } }, null);
    });
    add(map, { id: 'run-remaining', type: 'fill', source: geojson(map, 'remaining', urls.runLayer(run.id, 'remaining_parts')), paint: { 'fill-color': REMAINING_COLOUR, 'fill-opacity': 0.12 } }, 'remaining_parts');
    add(map, { id: 'run-remaining-line', type: 'line', source: 'remaining', paint: { 'line-color': REMAINING_COLOUR, 'line-width': 1, 'line-dasharray': [3, 2] } }, 'remaining_parts');
    const lic = datasets.get(run.licences);
    if (lic) {
      vectorSource(map, 'licences', lic);
      add(map, { id: 'licences-fill', type: 'fill', source: 'licences', 'source-layer': 'features', paint: { 'fill-color': licenceColour, 'fill-opacity': 0.14 } }, 'licences');
    }
    add(map, { id: 'exit-hatch', type: 'fill', source: geojson(map, 'exit', urls.runLayer(run.id, 'exit_ranges')), paint: { 'fill-pattern': HATCH } }, 'exit_ranges');
    add(map, { id: 'exit-line', type: 'line', source: 'exit', paint: { 'line-color': EXIT_COLOUR, 'line-width': 1.5 } }, 'exit_ranges');
    const res = run.reserves ? datasets.get(run.reserves) : undefined;
    if (res) {
      vectorSource(map, 'blocks', res);
      add(map, { id: 'blocks-line', type: 'line', source: 'blocks', 'source-layer': 'features', minzoom: BLOCKS_MINZOOM, paint: { 'line-color': BLOCK_COLOUR, 'line-width': 0.8 } }, 'reserve_blocks');
    }
    if (lic) {
      add(map, { id: 'licences-line', type: 'line', source: 'licences', 'source-layer': 'features', paint: { 'line-color': licenceColour, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 2.2] } }, 'licences');
    }
    const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
    map.addSource('case', { type: 'geojson', data: empty });
    added.sources.push('case');
    add(map, { id: 'case-line', type: 'line', source: 'case', paint: { 'line-color': '#111111', 'line-width': 3.5 } }, null);
    add(map, { id: 'case-halo', type: 'line', source: 'case', paint: { 'line-color': '#ffe14d', 'line-width': 1.5 } }, null);
    applyZoneFilters(map);
  });
}

function geojson(map: MapLibre, id: string, url: string): string {
  map.addSource(id, { type: 'geojson', data: url });
  added.sources.push(id);
  return id;
}

/** Colours each licence by its overlap class (a match expression on licence_id). */
export function colourLicences(map: MapLibre, statuses: Map<string, Status>): void {
  statusById = statuses;
  const byStatus = new Map<Status, string[]>();
  for (const [id, s] of statuses) byStatus.set(s, [...(byStatus.get(s) ?? []), id]);
  const parts: Array<string | string[]> = [];
  for (const s of ['whole', 'partial', 'sliver', 'touch'] as const) {
    const ids = byStatus.get(s);
    if (ids && ids.length > 0) parts.push(ids, STATUS_COLOURS[s]);
  }
  // licences without an exit, contact or sliver are `none` once the results are known
  licenceColour = parts.length > 0 ? (['match', ['to-string', ['get', 'licence_id']], ...parts, STATUS_COLOURS.none] as unknown as ExpressionSpecification) : STATUS_COLOURS.none;
  whenLoaded(map, () => {
    if (map.getLayer('licences-fill')) map.setPaintProperty('licences-fill', 'fill-color', licenceColour);
    if (map.getLayer('licences-line')) map.setPaintProperty('licences-line', 'line-color', licenceColour);
  });
}

/** The open case: its licence outlined on top (from the case's own geometry). */
export function showCase(map: MapLibre, detail: CaseDetail | null): void {
  whenLoaded(map, () => {
    const src = map.getSource('case') as GeoJSONSource | undefined;
    if (!src) return;
    src.setData({
      type: 'FeatureCollection',
      features: detail ? [{ type: 'Feature', properties: { licence_id: detail.licence.licence_id }, geometry: detail.geometry.licence }] : [],
    });
  });
}

export function setGroupVisible(map: MapLibre, group: Group, visible: boolean): void {
  if (group === 'redline' || group === 'nature_reserve') {
    if (visible) hiddenZoneTypes.delete(group);
    else hiddenZoneTypes.add(group);
    applyZoneFilters(map);
  } else if (group === 'outlines') {
    setVisible(map, ['outlines-fill', 'outlines-line'], visible);
  } else if (group === 'basemap') {
    setVisible(map, ['basemap'], visible);
  } else {
    setVisible(map, groups.get(group) ?? [], visible);
  }
}

/** Zone layers hold both types: hiding one type is a filter, not a visibility. */
function applyZoneFilters(map: MapLibre): void {
  const hidden = [...hiddenZoneTypes];
  for (const z of zoneLayers) {
    const filter: FilterSpecification | null = hidden.length === 0 ? null : ['!', ['in', z.type, ['literal', hidden]]];
    for (const l of [z.fill, z.line]) if (map.getLayer(l)) map.setFilter(l, filter);
  }
}

/** Clicks and hover on the map. */
export function bindMapEvents(map: MapLibre, onLicence: (licenceId: string) => void): void {
  const clickable = ['licences-fill', 'exit-hatch', 'run-remaining'];
  const present = (ids: string[]): string[] => ids.filter((id) => map.getLayer(id));
  const licenceAt = (point: maplibregl.PointLike): MapGeoJSONFeature | undefined =>
    map.queryRenderedFeatures(point, { layers: present(clickable) }).find((f) => f.properties?.licence_id !== undefined);
  const hover = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: 'hover-popup', offset: 12 });

  map.on('click', (e) => {
    const f = licenceAt(e.point);
    if (f) {
      onLicence(String(f.properties.licence_id));
      return;
    }
    const zone = map.queryRenderedFeatures(e.point, { layers: present(zoneLayers.map((z) => z.fill)) })[0];
    if (zone) {
      const p = zone.properties ?? {};
      const zt = String(p.zone_type ?? '') as ZoneType;
      new maplibregl.Popup({ className: 'zone-popup' })
        .setLngLat(e.lngLat)
        .setDOMContent(h('div', null, h('strong', null, String(p.zone_name ?? p.name ?? t('zone'))), h('div', null, zoneTypeLabel(zt)), p.zone_id ? h('div', { class: 'mono' }, String(p.zone_id)) : null))
        .addTo(map);
    }
  });
  map.on('mousemove', (e) => {
    const f = licenceAt(e.point);
    map.getCanvas().style.cursor = f ? 'pointer' : '';
    if (!f) {
      hover.remove();
      return;
    }
    const p = f.properties;
    const s = statusById.get(String(p.licence_id));
    const status = s ? statusLabel(s) : null;
    hover.setLngLat(e.lngLat).setDOMContent(h('div', null, h('div', { class: 'mono' }, String(p.licence_id)), p.name ? h('div', null, String(p.name)) : null, status ? h('div', null, status) : null)).addTo(map);
  });
  map.getCanvas().addEventListener('mouseleave', () => hover.remove());
}
