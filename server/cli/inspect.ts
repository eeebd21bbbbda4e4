import { parseArgs } from 'node:util';
import { parseCrsArg } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
import type { BBox } from '../geo/types.ts';
import { readLayer } from '../io/layer.ts';
import { inspectLayer, type LayerReport } from '../io/report.ts';
import { UsageError } from './common.ts';

export const INSPECT_USAGE = `redline inspect FILE [--crs EPSG:n] [--layer NAME] [--encoding GBK|UTF-8] [--id-field FIELD] [--json]`;

/** Lines per list before "… and N more": enough to see the pattern, short enough to read. */
const MAX_LINES = 20;

/**
 * `redline inspect FILE`: the validation report of one layer, readable or as JSON. Exit code 0
 * when the layer can be screened as it is (perhaps with warnings), 1 when it has errors (invalid
 * geometries, duplicate ids, a CRS that does not fit), 2 when it cannot be read at all (thrown as
 * InputError / UsageError, one line).
 */
export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      crs: { type: 'string' },
      layer: { type: 'string' },
      encoding: { type: 'string' },
      'id-field': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) {
    throw new UsageError(`${positionals.length === 0 ? 'give the file to inspect' : 'inspect one file at a time'}\n  ${INSPECT_USAGE}`);
  }
  let crs: Crs | null = null;
  if (values.crs !== undefined) {
    try {
      crs = parseCrsArg(values.crs);
    } catch (err) {
      throw new UsageError(`--crs: ${(err as Error).message}`);
    }
  }
  const layer = await readLayer(positionals[0], {
    ...(values.encoding !== undefined ? { encoding: values.encoding } : {}),
    ...(values.layer !== undefined ? { layer: values.layer } : {}),
  });
  const report = inspectLayer(layer, { crs, ...(values['id-field'] !== undefined ? { idField: values['id-field'] } : {}) });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.verdict === 'errors' ? 1 : 0;
}

/** Plain numbers for bureau staff: no exponents, no thousands separators; mm or ~1 cm in degrees. */
function num(v: number): string {
  return String(Number(v.toFixed(Math.abs(v) >= 1000 ? 3 : 7)));
}

function box(b: BBox, x: string, y: string): string {
  return `${x} ${num(b[0])} … ${num(b[2])}, ${y} ${num(b[1])} … ${num(b[3])}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** At most MAX_LINES of `lines`, then how many were left out. */
function capped(lines: string[], indent = '  '): string[] {
  const shown = lines.slice(0, MAX_LINES).map((l) => indent + l);
  if (lines.length > MAX_LINES) shown.push(`${indent}… and ${lines.length - MAX_LINES} more`);
  return shown;
}

const SOURCE_WORDS = { flag: 'given with --crs', prj: 'from the .prj', format: 'implied by the format' } as const;

export function formatReport(r: LayerReport): string {
  const out: string[] = [];
  const row = (label: string, text: string): number => out.push(`  ${label.padEnd(12)}${text}`);
  const more = (text: string): number => out.push(`  ${''.padEnd(12)}${text}`);
  out.push(`${r.source} — ${r.format}, layer ${r.layer}`);
  const kind = r.geometry_type === 'none' ? 'without shapes' : `${r.geometry_type}s`;
  row('features', `${r.feature_count} ${kind}` +
    (r.geometry_checked ? `, ${r.multipart_count} multi-part, ${r.vertex_count} vertices` : ''));

  const c = r.crs;
  if (c.status === 'found') {
    row('CRS', `${c.epsg !== null ? `EPSG:${c.epsg} ` : ''}${c.name} (${SOURCE_WORDS[c.source]})`);
    if (c.problem) more(`problem: ${c.problem}`);
  } else if (c.status === 'suggested') {
    row('CRS', `not declared; suggested: ${c.epsg !== null ? `EPSG:${c.epsg} ` : ''}${c.name}${c.confirm ? ` — confirm with ${c.confirm}` : ''}`);
    more(`why: ${c.reason}`);
  } else {
    row('CRS', `unknown: ${c.reason}`);
  }
  if (c.status !== 'unknown' && c.swapped) more('x and y are swapped in the file (northing or latitude first)');

  row('encoding', r.encoding ? `${r.encoding.name} (${r.encoding.description})` : 'none (no attribute text)');
  if (r.bbox.file) {
    const geographic = c.status !== 'unknown' && c.crs.kind === 'geographic';
    row('extent', `${box(r.bbox.file, 'x', 'y')} (in the file)`);
    if (r.bbox.lonlat && !(geographic && !c.swapped)) more(`${box(r.bbox.lonlat, 'lon', 'lat')} (CGCS2000, EPSG:4490)`);
    if (r.bbox.lonlat_note) more(`(${r.bbox.lonlat_note})`);
  } else {
    row('extent', 'none (no coordinates)');
  }
  if (r.id_field) {
    const withId = r.feature_count - r.missing_ids.length;
    const distinct = withId - r.duplicate_ids.reduce((n, d) => n + d.features.length - 1, 0);
    row('id field', `${r.id_field}: ${plural(distinct, 'distinct id')} in ${plural(withId, 'feature')}` +
      (r.duplicate_ids.length > 0 ? `, ${r.duplicate_ids.length} used more than once` : ''));
  } else {
    row('id field', 'none found (name one with --id-field)');
  }
  out.push('');

  const ref = (index: number, id: string | null): string => `#${index}${id !== null ? ` ${id}` : ''}`;
  if (!r.geometry_checked) {
    out.push(`geometry checks: not applicable to a ${r.geometry_type} layer`);
  } else {
    out.push(`invalid geometries: ${r.invalid_geometries.length === 0 ? 'none' : plural(r.invalid_geometries.length, 'feature')}`);
    out.push(...capped(r.invalid_geometries.flatMap((g) => [
      ...g.findings.map((f) => `${ref(g.index, g.id)}  ${f.kind} at ${num(f.at[0])}, ${num(f.at[1])}: ${f.reason}`),
      ...(g.truncated ? [`${ref(g.index, g.id)}  (more findings in this feature not listed)`] : []),
    ])));
    const empty = r.empty_shapes;
    out.push(`empty or null shapes: ${empty.length === 0 ? 'none' : `${empty.length}: ` +
      empty.slice(0, MAX_LINES).map((i) => `#${i}`).join(', ') + (empty.length > MAX_LINES ? ` … and ${empty.length - MAX_LINES} more` : '')}`);
  }
  if (r.id_field) {
    out.push(`duplicate ids: ${r.duplicate_ids.length === 0 ? 'none' : plural(r.duplicate_ids.length, 'id')}`);
    out.push(...capped(r.duplicate_ids.map((d) => `${d.id}: features ${d.features.map((i) => `#${i}`).join(', ')}`)));
    if (r.missing_ids.length > 0) {
      const m = r.missing_ids;
      out.push(`features without an id: ${m.length}: ${m.slice(0, MAX_LINES).map((i) => `#${i}`).join(', ')}${m.length > MAX_LINES ? ` … and ${m.length - MAX_LINES} more` : ''}`);
    }
  }
  out.push(`repairs applied: ${r.repairs.length === 0 ? 'none' : plural(r.repairs.length, 'feature')}`);
  out.push(...capped(r.repairs.flatMap((f) => f.repairs.map((what) => `${ref(f.index, f.id)}  ${what}`))));
  out.push('');
  out.push(`verdict: ${r.verdict === 'ok' ? 'ok' : r.verdict === 'warnings' ? 'ok, with warnings' : 'errors'}`);
  for (const n of r.notes) out.push(`  ${n.level.padEnd(8)} ${n.message}`);
  return `${out.join('\n')}\n`;
}
