/**
 * GeoJSON layers (RFC 7946, plus the legacy 2008 "crs" member that Chinese tools still write to
 * say EPSG:4490). Only polygon geometry is built; point and line layers are recognised so that the
 * caller can refuse them by `kind`. Polygon structure is explicit in GeoJSON (first ring exterior,
 * the rest holes), so rings are only cleaned and re-oriented, not re-organised by containment.
 */
import type { AttributeValue, Attributes, BBox, MultiPolygon, Polygon } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import { decodeText, type EncodingChoice } from './encoding.ts';
import type { Feature, GeometryKind } from './layer.ts';
import { cleanRing, extendBBox, orientPolygon, ringBBox } from './rings.ts';

export interface GeoJsonContents {
  format: 'geojson';
  kind: GeometryKind;
  fields: string[];
  features: Feature[];
  crsHint: number | null;
  encoding: EncodingChoice;
  bbox: BBox | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const KIND_OF: Record<string, GeometryKind> = {
  Polygon: 'polygon', MultiPolygon: 'polygon',
  Point: 'point', MultiPoint: 'point',
  LineString: 'line', MultiLineString: 'line',
};

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readGeoJson(buf: Buffer, file: string, option: string | null): GeoJsonContents {
  // RFC 7946: GeoJSON is UTF-8; a GBK file saved by a Chinese desktop tool is detected
  const { text, encoding } = decodeText(buf, option, { name: 'utf-8', how: 'format' });
  if (text.trim() === '') throw new InputError(file, 'the file is empty (no JSON in it)');
  const root = parseJson(text, file);
  if (!isObject(root) || typeof root.type !== 'string') {
    throw new InputError(file, 'not GeoJSON: expected an object with a "type" (FeatureCollection, Feature or a geometry)');
  }
  const list = featureList(root, file);
  const features: Feature[] = new Array(list.length);
  const fieldSet = new Set<string>();
  let kind: GeometryKind = 'none';
  let kindFrom = -1;
  let bbox: BBox | null = null;
  for (let i = 0; i < list.length; i++) {
    const f = list[i];
    if (!isObject(f) || f.type !== 'Feature') {
      throw new InputError(file, 'not a GeoJSON Feature (expected {"type": "Feature", …})', { index: i });
    }
    const where = { index: i, id: typeof f.id === 'string' || typeof f.id === 'number' ? String(f.id) : undefined };
    const g = f.geometry ?? null;
    const fixed: string[] = [];
    let points: Float64Array | null = null;
    let geometry: MultiPolygon | null = null;
    if (g !== null) {
      if (!isObject(g) || typeof g.type !== 'string') throw new InputError(file, 'geometry is not a GeoJSON geometry object', where);
      const k = KIND_OF[g.type];
      if (!k) {
        const why = g.type === 'GeometryCollection' ? 'GeometryCollection is not supported' : `unknown geometry type "${g.type}"`;
        throw new InputError(file, why, where);
      }
      if (kind === 'none') {
        kind = k;
        kindFrom = i;
      } else if (k !== kind) {
        throw new InputError(file, `mixes geometry kinds: ${g.type} here, ${kind} from feature #${kindFrom} on`, where);
      }
      if (k === 'polygon') {
        geometry = polygonGeometry(g, file, where, fixed);
        if (geometry) for (const p of geometry) bbox = extendBBox(bbox, ringBBox(p[0]));
      } else if (k === 'point') {
        points = pointCoordinates(g, file, where);
        if (points.length > 0) bbox = extendBBox(bbox, ringBBox(points));
      }
    }
    const props = f.properties ?? null;
    if (props !== null && !isObject(props)) throw new InputError(file, '"properties" must be an object or null', where);
    const attributes: Attributes = {};
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        fieldSet.add(key);
        attributes[key] = attributeValue(value);
      }
    }
    const feature: Feature = { index: i, geometry, attributes };
    if (fixed.length > 0) feature.repairs = fixed;
    if (points && points.length > 0) feature.points = points;
    features[i] = feature;
  }
  const fields = [...fieldSet];
  // Every feature gets every field, so that consumers can rely on the field list.
  for (const f of features) for (const k of fields) if (!(k in f.attributes)) f.attributes[k] = null;
  return { format: 'geojson', kind, fields, features, crsHint: crsHint(root), encoding, bbox };
}

function parseJson(text: string, file: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    const msg = (err as Error).message;
    const m = /at position (\d+)/.exec(msg);
    // An error at the very end of the text (inside a number, a string or after a separator)
    // means the file stops in the middle: a cut-off download or copy, not a typo.
    const end = text.trimEnd().length;
    if (/Unexpected end|Unterminated string/.test(msg) || (m && Number(m[1]) >= end - 1)) {
      throw new InputError(file, 'not valid JSON: it ends in the middle (truncated?)');
    }
    let where = '';
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      where = ` (line ${line}, column ${Number(m[1]) - before.lastIndexOf('\n')})`;
    }
    const reason = msg.replace(/ in JSON at position \d+.*$/, '');
    throw new InputError(file, `not valid JSON${where}: ${reason}`);
  }
}

function featureList(root: JsonObject, file: string): Json[] {
  if (root.type === 'FeatureCollection') {
    if (!Array.isArray(root.features)) throw new InputError(file, 'FeatureCollection without a "features" array');
    return root.features;
  }
  if (root.type === 'Feature') return [root];
  const t = String(root.type);
  if (t in KIND_OF || t === 'GeometryCollection') {
    return [{ type: 'Feature', geometry: root, properties: null }];
  }
  throw new InputError(file, `not GeoJSON: unknown type "${t}"`);
}

function polygonGeometry(
  g: JsonObject, file: string, where: { index: number; id?: string }, repairs: string[],
): MultiPolygon | null {
  const c = g.coordinates;
  if (!Array.isArray(c)) throw new InputError(file, `${g.type} without a "coordinates" array`, where);
  const polys = g.type === 'Polygon' ? [c] : c;
  const out: MultiPolygon = [];
  for (let p = 0; p < polys.length; p++) {
    const rings = polys[p];
    if (!Array.isArray(rings)) throw new InputError(file, `polygon ${p} is not an array of rings`, where);
    if (rings.length === 0) continue; // an empty polygon adds nothing
    const poly: Polygon = [];
    for (let r = 0; r < rings.length; r++) {
      const label = g.type === 'Polygon' ? `ring ${r}` : `polygon ${p}, ring ${r}`;
      const fixed: string[] = [];
      const ring = cleanRing(ringCoordinates(rings[r], file, where, label), fixed);
      if (typeof ring === 'string') throw new InputError(file, `${label}: ${ring}`, where);
      for (const f of fixed) repairs.push(`${label}: ${f}`);
      poly.push(ring);
    }
    orientPolygon(poly);
    out.push(poly);
  }
  return out.length > 0 ? out : null;
}

/** A Point's or MultiPoint's positions as x,y pairs. */
function pointCoordinates(g: JsonObject, file: string, where: { index: number; id?: string }): Float64Array {
  const c = g.coordinates;
  const list = g.type === 'Point' ? [c] : c;
  if (!Array.isArray(list)) throw new InputError(file, `${g.type} without a "coordinates" array`, where);
  return ringCoordinates(list as Json, file, where, 'point');
}

function ringCoordinates(ring: Json, file: string, where: { index: number; id?: string }, label: string): Float64Array {
  if (!Array.isArray(ring)) throw new InputError(file, `${label} is not an array of positions`, where);
  const out = new Float64Array(ring.length * 2);
  for (let k = 0; k < ring.length; k++) {
    const pos = ring[k];
    // Extra members (z, m) are allowed by RFC 7946 and ignored.
    if (!Array.isArray(pos) || pos.length < 2 || typeof pos[0] !== 'number' || typeof pos[1] !== 'number') {
      throw new InputError(file, `${label}, position ${k} is not [x, y] numbers: ${JSON.stringify(pos)?.slice(0, 60)}`, where);
    }
    out[2 * k] = pos[0];
    out[2 * k + 1] = pos[1];
  }
  return out;
}

function attributeValue(v: Json): AttributeValue {
  if (v === null || typeof v !== 'object') return v;
  return JSON.stringify(v); // nested objects and arrays: kept as their JSON text
}

/**
 * RFC 7946 coordinates are WGS 84 lon/lat (EPSG:4326). The legacy "crs" member may name another
 * CRS, e.g. {"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}}; one we cannot read
 * gives null so that the caller asks instead of assuming.
 */
function crsHint(root: JsonObject): number | null {
  const crs = root.crs;
  if (crs === undefined || crs === null) return 4326;
  if (!isObject(crs) || !isObject(crs.properties)) return null;
  const { name, code } = crs.properties;
  if (typeof code === 'number' && Number.isInteger(code)) return code; // {"type":"EPSG","properties":{"code":4490}}
  if (typeof name !== 'string') return null;
  if (/(^|:)CRS84$/i.test(name.trim())) return 4326;
  const m = /EPSG(?::+|\/(?:0\/)?)(\d+)$/i.exec(name.trim());
  return m ? Number(m[1]) : null;
}
