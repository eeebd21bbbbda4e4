/**
 * The OpenAPI 3.1 document of the API, served at /api/openapi.json. Written by hand next to the
 * routes; a test checks that every route the app registers is in it.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema): Schema => ({ 'application/json': { schema } });
const str: Schema = { type: 'string' };
const num: Schema = { type: 'number' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const nullable = (s: Schema): Schema => ({ oneOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const geojson: Schema = { type: 'object', description: 'GeoJSON, CGCS2000 lon/lat (EPSG:4490)' };

const ERRORS: Record<string, string> = {
  400: 'bad_request', 404: 'not_found', 409: 'conflict (crs_unconfirmed, zone_types)', 413: 'too_large', 422: 'unreadable_file', 500: 'internal',
};

function op(summary: string, ok: [number, Schema | null, string?], errors: number[], extra: Schema = {}): Schema {
  const [status, body, type] = ok;
  const responses: Record<string, Schema> = {
    [status]: body === null ? { description: summary } : { description: summary, content: { [type ?? 'application/json']: { schema: body } } },
  };
  for (const e of errors) responses[e] = { description: ERRORS[e], content: json(ref('Error')) };
  return { summary, ...extra, responses };
}

const path = (name: string, description: string): Schema => ({ name, in: 'path', required: true, schema: str, description });
const query = (name: string, schema: Schema, description: string): Schema => ({ name, in: 'query', required: false, schema, description });
const ID = path('id', 'ds_… or run_…');
const LICENCE = path('licence_id', 'the licence number (许可证号), URL-encoded');
const TILE = [path('z', 'zoom 0–24'), path('x', 'column'), path('y', 'row')];
const jsonBody = (schema: Schema): Schema => ({ requestBody: { required: true, content: json(schema) } });
const multipart = (properties: Record<string, Schema>): Schema => ({
  requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties, required: ['file'] } } } },
});

const counts = obj({ whole: int, partial: int, sliver: int, touch: int, none: int });
const decision = obj({ exit_kind: { enum: ['whole', 'partial'] }, reviewed: bool, note: nullable(str), by: str, at: str });
const resultRow = obj({
  licence_id: str, name: str, status: { enum: ['whole', 'partial', 'sliver', 'touch', 'none'] }, licence_area_plane_m2: num,
  licence_area_ellipsoidal_m2: num, exit_area_plane_m2: num, exit_area_ellipsoidal_m2: num, exit_ratio: num, remaining_parts: int,
  zone_ids: arr(str), warnings: arr(str), licence_type: nullable({ enum: ['mining', 'exploration', 'enterprise'] }), decision: nullable(ref('Decision')),
});

const SCHEMAS: Record<string, Schema> = {
  Error: obj({ code: str, message: str }),
  LayerReport: { type: 'object', description: 'the validation report of redline inspect --json (server/io/report.ts)' },
  Dataset: obj({
    id: str, name: str, kind: { enum: ['licences', 'zones', 'reserves', 'facilities'] }, format: str, feature_count: int,
    status: { enum: ['ready', 'needs_crs'] }, crs: obj({ epsg: nullable(int), name: str, status: { enum: ['found', 'suggested'] } }),
    division_code: str, created_at: str, created_by: str, bbox: nullable(arr(num)), report: ref('LayerReport'),
  }),
  Run: obj({
    id: str, status: { enum: ['queued', 'running', 'done', 'failed'] }, progress: obj({ done: int, total: int }), error: nullable(str),
    counts: nullable(counts), licences: str, zones: arr(str), reserves: nullable(str), created_at: str, created_by: str,
    finished_at: nullable(str), zone_types: arr(str), sliver_m2: num, warnings: arr(str),
  }),
  Decision: decision,
  ResultRow: resultRow,
  AuditEntry: obj({ at: str, by: str, action: str, entity: str, before: {}, after: {} }),
  Settings: obj({ basemap_url: nullable(str), division_code: str, language: { enum: ['zh', 'en'] } }),
  FinanceRow: { type: 'object', additionalProperties: nullable(str), description: 'finance columns of redline compensate → cell text' },
};

const PATHS: Record<string, Record<string, Schema>> = {
  '/api/health': { get: op('service status', [200, obj({ status: str, version: str })], []) },
  '/api/openapi.json': { get: op('this document', [200, { type: 'object' }], []) },
  '/api/basemap/outlines.geojson': { get: op('county outlines for the offline basemap', [200, geojson, 'application/geo+json'], []) },
  '/api/settings': {
    get: op('settings', [200, ref('Settings')], []),
    put: op('change settings (keys left out keep their value)', [200, ref('Settings')], [400], jsonBody(ref('Settings'))),
  },
  '/api/datasets': {
    post: op('upload and import a layer', [201, obj({ id: str, status: { enum: ['ready', 'needs_crs'] }, report: ref('LayerReport') })], [400, 413, 422, 500], multipart({
      file: { type: 'string', format: 'binary', description: 'a .zip of shapefiles or a .gdb, .gpkg, .geojson, .kml/.kmz, .dxf, .fgb, .csv, .xlsx, .txt; or a shapefile\'s parts' },
      kind: { enum: ['licences', 'zones', 'reserves', 'facilities'] }, crs: { type: 'string', examples: ['EPSG:4527'] }, layer: str,
      encoding: { enum: ['GBK', 'UTF-8'] }, division: str, zone_type: { enum: ['redline', 'nature_reserve'] },
    })),
    get: op('datasets', [200, obj({ items: arr(ref('Dataset')) })], [400], {
      parameters: [query('kind', str, 'only this kind'), query('division', str, 'prefix of the division code')],
    }),
  },
  '/api/datasets/{id}': { get: op('one dataset', [200, ref('Dataset')], [404], { parameters: [ID] }) },
  '/api/datasets/{id}/confirm': {
    post: op('confirm or correct the CRS', [200, ref('Dataset')], [400, 404, 422], { parameters: [ID], ...jsonBody(obj({ crs: str })) }),
  },
  '/api/datasets/{id}/features': {
    get: op('features as GeoJSON (≤ 5000)', [200, geojson, 'application/geo+json'], [404, 409, 413], { parameters: [ID] }),
  },
  '/api/runs': {
    post: op('start a screening', [202, obj({ id: str })], [400, 404, 409], jsonBody(obj({
      licences: str, zones: arr(str), reserves: nullable(str), sliver_m2: num,
      datum_shift: { type: 'string', description: 'dx,dy,dz[,rx,ry,rz,ppm] for Xian 80 / Beijing 54 layers' },
      field_map: { type: 'object', additionalProperties: str, description: 'key → field, as --map' },
    }, ['licences', 'zones']))),
    get: op('runs', [200, obj({ items: arr(ref('Run')) })], []),
  },
  '/api/runs/{id}': { get: op('one run', [200, ref('Run')], [404], { parameters: [ID] }) },
  '/api/runs/{id}/events': {
    get: op('progress, done, failed (server-sent events; the current state first)', [200, { type: 'string' }, 'text/event-stream'], [404], { parameters: [ID] }),
  },
  '/api/runs/{id}/results': {
    get: op('results, filtered and paged', [200, obj({ total: int, counts, items: arr(ref('ResultRow')) })], [400, 404], {
      parameters: [ID, query('status', str, 'comma-separated statuses'), query('min_ratio', num, 'exit ratio ≥'), query('max_ratio', num, 'exit ratio ≤'),
        query('zone', str, 'overlapping this zone id'), query('licence_type', str, 'mining or exploration'), query('q', str, 'text in id or name'),
        query('sort', str, 'a column'), query('order', { enum: ['asc', 'desc'] }, 'sort order'), query('limit', int, '1–10000, default 50'),
        query('offset', int, 'default 0')],
    }),
  },
  '/api/runs/{id}/cases/{licence_id}': {
    get: op('one licence of a run', [200, obj({
      licence: ref('ResultRow'), zones: arr({ type: 'object' }), blocks: arr({ type: 'object' }),
      geometry: obj({ licence: nullable(geojson), exit_range: nullable(geojson), remaining_range: nullable(geojson) }), bbox: nullable(arr(num)),
      finance: nullable(ref('FinanceRow')), compensation: nullable(obj({ policy: str, result: { type: 'object' } })),
      decision: nullable(ref('Decision')), audit: arr(ref('AuditEntry')),
    })], [404, 409], { parameters: [ID, LICENCE] }),
  },
  '/api/runs/{id}/cases/{licence_id}/decision': {
    put: op('record a decision (audited)', [200, ref('Decision')], [400, 404, 409], {
      parameters: [ID, LICENCE], ...jsonBody(obj({ exit_kind: { enum: ['whole', 'partial'] }, reviewed: bool, note: str, by: str }, ['exit_kind'])),
    }),
  },
  '/api/runs/{id}/cases/{licence_id}/finance': {
    put: op('set the licence\'s finance row (audited)', [200, ref('FinanceRow')], [400, 404, 409, 422], { parameters: [ID, LICENCE], ...jsonBody(ref('FinanceRow')) }),
  },
  '/api/runs/{id}/cases/{licence_id}/audit': {
    get: op('audit trail of the case', [200, obj({ items: arr(ref('AuditEntry')) })], [404, 409], { parameters: [ID, LICENCE] }),
  },
  '/api/runs/{id}/finance': {
    post: op('upload the finance table (CSV or XLSX)', [200, obj({ rows: int })], [400, 404, 413, 422], {
      parameters: [ID], ...multipart({ file: { type: 'string', format: 'binary' } }),
    }),
  },
  '/api/runs/{id}/compensation': {
    post: op('compensation under a policy', [200, obj({ policy: str, items: arr({ type: 'object', additionalProperties: str }), warnings: arr(str) })],
      [400, 404, 409, 422], { parameters: [ID], ...jsonBody(obj({ policy: { enum: ['hainan-2023', 'bayannur-2020'] } })) }),
  },
  '/api/runs/{id}/layers/{layer}.geojson': {
    get: op('exit ranges or remaining parts', [200, geojson, 'application/geo+json'], [404, 409], {
      parameters: [ID, path('layer', 'exit_ranges or remaining_parts')],
    }),
  },
  '/api/tiles/{dataset}.json': { get: op('TileJSON of a dataset', [200, { type: 'object' }], [404], { parameters: [path('dataset', 'ds_…')] }) },
  '/api/tiles/{dataset}/{z}/{x}/{y}.pbf': {
    get: op('vector tile (source layer "features"); 204 when empty', [200, { type: 'string', format: 'binary' }, 'application/x-protobuf'], [400, 404, 409], {
      parameters: [path('dataset', 'ds_…'), ...TILE],
    }),
  },
  '/api/runs/{id}/tiles/{layer}/{z}/{x}/{y}.pbf': {
    get: op('vector tile of a run layer; 204 when empty', [200, { type: 'string', format: 'binary' }, 'application/x-protobuf'], [400, 404, 409], {
      parameters: [ID, path('layer', 'exit_ranges or remaining_parts'), ...TILE],
    }),
  },
};

export function openApiDocument(version: string): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'redline',
      version,
      description: 'Screening of mineral rights against the ecological protection red line and nature reserves, and exit compensation. ' +
        'Errors are { code, message }. The X-Redline-User header (percent-encoded) names the user in the audit log.',
    },
    paths: PATHS,
    components: { schemas: SCHEMAS },
  };
}
