/**
 * The map: MapLibre 6 with a style that works offline — a plain background and the county
 * outlines the server has, no glyphs (labels are HTML popups) — and, when the settings name one,
 * a raster basemap (e.g. Tianditu with the bureau's key) under the data layers.
 */
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { BBox } from './api.ts';
import { urls } from './api.ts';
import { t } from './i18n.ts';

maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** true while the map has nothing left to load or draw (end-to-end tests wait on it) */
    __mapIdle: boolean;
    __map?: maplibregl.Map;
  }
}

export const BACKGROUND = '#f3f1ec';
/** data layers go below this one: the county outlines stay on top */
export const DATA_BEFORE = 'outlines-line';
export const HATCH = 'hatch-exit';

export function createMap(container: HTMLElement): maplibregl.Map {
  window.__mapIdle = false;
  const map = new maplibregl.Map({
    container,
    center: [104, 35.5],
    zoom: 3.3,
    maxZoom: 19,
    attributionControl: { compact: true },
    localIdeographFontFamily: "'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    style: {
      version: 8,
      sources: {
        outlines: { type: 'geojson', data: urls.outlines() },
      },
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
        { id: 'outlines-fill', type: 'fill', source: 'outlines', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.55 } },
        { id: 'outlines-line', type: 'line', source: 'outlines', paint: { 'line-color': '#6b6357', 'line-width': 1.4, 'line-dasharray': [5, 2, 1, 2] } },
      ],
    },
  });
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 140 }), 'bottom-left');
  map.on('movestart', () => {
    window.__mapIdle = false;
  });
  map.on('dataloading', () => {
    window.__mapIdle = false;
  });
  map.on('idle', () => {
    window.__mapIdle = true;
  });
  map.on('error', (e) => {
    // a missing outline file or a tile the server could not make must not break the map
    console.warn('map:', e.error?.message ?? e);
  });
  map.once('load', () => {
    addHatch(map);
    styleReady.add(map);
  });
  map.on('styleimagemissing', (e) => {
    if (e.id === HATCH) addHatch(map);
  });
  window.__map = map;
  return map;
}

/** Diagonal red lines on transparent, seamless when tiled: the exit ranges' fill-pattern. */
export function hatchImage(colour: string): ImageData {
  const size = 24;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  ctx.strokeStyle = colour;
  ctx.lineWidth = 3;
  ctx.lineCap = 'square';
  ctx.beginPath();
  for (const k of [-size, 0, size]) {
    ctx.moveTo(k, size);
    ctx.lineTo(k + size, 0);
  }
  ctx.stroke();
  return ctx.getImageData(0, 0, size, size);
}

const styleReady = new WeakSet<maplibregl.Map>();

function addHatch(map: maplibregl.Map): void {
  if (!map.hasImage(HATCH)) map.addImage(HATCH, hatchImage('#d7191c'), { pixelRatio: 2 });
}

/** Runs `fn` now if the style is loaded, else once it is. */
export function whenLoaded(map: maplibregl.Map, fn: () => void): void {
  const run = (): void => {
    addHatch(map);
    fn();
  };
  // not isStyleLoaded(): that is false while any source loads, and 'load' fires only once
  if (styleReady.has(map)) run();
  else map.once('load', run);
}

/** The raster basemap under the data layers; null removes it. */
export function setBasemap(map: maplibregl.Map, url: string | null): void {
  whenLoaded(map, () => {
    if (map.getLayer('basemap')) map.removeLayer('basemap');
    if (map.getSource('basemap')) map.removeSource('basemap');
    if (!url) {
      map.setPaintProperty('outlines-fill', 'fill-opacity', 0.55);
      return;
    }
    map.addSource('basemap', {
      type: 'raster',
      tiles: expandSubdomains(url),
      tileSize: 256,
      maxzoom: 18,
      attribution: /tianditu/i.test(url) ? t('tianditu_attribution') : '',
    });
    map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, 'outlines-fill');
    // over a photo or a street map the white county fill would hide it
    map.setPaintProperty('outlines-fill', 'fill-opacity', 0);
  });
}

/** `t{s}.example/…` with `{s}` → the usual subdomains t0…t7 (Tianditu) or a,b,c. */
function expandSubdomains(url: string): string[] {
  if (!url.includes('{s}')) return [url];
  const subs = /tianditu/i.test(url) ? ['0', '1', '2', '3', '4', '5', '6', '7'] : ['a', 'b', 'c'];
  return subs.map((s) => url.replace('{s}', s));
}

export function fitBBox(map: maplibregl.Map, bbox: BBox, rightPadding = 40): void {
  const [w, s, e, n] = bbox;
  if (![w, s, e, n].every(Number.isFinite)) return;
  map.fitBounds(
    [
      [w, s],
      [e, n],
    ],
    { padding: { top: 50, bottom: 50, left: 50, right: rightPadding + 50 }, maxZoom: 16, duration: 500 },
  );
}

export function setVisible(map: maplibregl.Map, layerIds: string[], visible: boolean): void {
  for (const id of layerIds) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
}
