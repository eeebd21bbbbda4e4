import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Dec, type Decimal } from '../compensation/money.ts';
import type { ScreenedBlock, ScreenedLicence, ScreeningInput } from '../compensation/types.ts';
import { InputError } from '../errors.ts';
import type { MultiPolygon } from '../geo/types.ts';
import type { Status } from '../screening/types.ts';
import { csvTable } from './csv.ts';
import { readLayer } from './layer.ts';
import { RESERVES_COLUMNS, SCREENING_COLUMNS } from './screening-out.ts';

/**
 * Reads back the output folder of `redline screen` for the compensation: screening.csv, and
 * reserves.csv, run.json and overlaps.geojson when present. Figures stay text until decimal.js
 * parses them, so what the compensation uses is exactly what the CSV shows.
 */

export interface ScreeningFolder {
  input: ScreeningInput;
  /** run.json as written, or null when it is missing */
  run: Record<string, unknown> | null;
  files: { path: string; sha256: string; bytes: number }[];
}

const STATUSES: readonly Status[] = ['none', 'touch', 'sliver', 'partial', 'whole'];

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InputError(path, `cannot be read: ${(err as Error).message}`);
  }
}

/** A CSV of a screening folder, its contract columns checked; cells keyed by column, empty = null. */
export function screeningTable(path: string, buf: Buffer, columns: readonly string[]): { line: number; cells: Record<string, string | null> }[] {
  const { header, records } = csvTable(buf.toString('utf8'), path);
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new InputError(path, `is not a redline screening output: column(s) ${missing.join(', ')} missing`);
  }
  return records;
}

/** A number as the screening wrote it (shortest round-trip form, exponent possible), or null. */
function num(path: string, line: number, col: string, v: string | null, required: true): Decimal;
function num(path: string, line: number, col: string, v: string | null, required: false): Decimal | null;
function num(path: string, line: number, col: string, v: string | null, required: boolean): Decimal | null {
  if (v === null) {
    if (required) throw new InputError(path, `line ${line}: ${col} is empty`);
    return null;
  }
  if (!/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v)) throw new InputError(path, `line ${line}: ${col} is "${v}", not a number`);
  return new Dec(v);
}

function sha(path: string, buf: Buffer): { path: string; sha256: string; bytes: number } {
  return { path, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
}

export async function readScreening(dir: string, options: { exitRanges?: boolean } = {}): Promise<ScreeningFolder> {
  const csvPath = join(dir, 'screening.csv');
  const csv = await readOptional(csvPath);
  if (!csv) throw new InputError(dir, 'no screening.csv here: give the output folder of redline screen (--out)');
  const files = [sha(csvPath, csv)];
  const licences: ScreenedLicence[] = screeningTable(csvPath, csv, SCREENING_COLUMNS).map(({ line, cells: c }) => {
    const status = c.status as Status;
    if (!STATUSES.includes(status)) throw new InputError(csvPath, `line ${line}: status "${c.status}" is not an overlap class`);
    if (!c.licence_id) throw new InputError(csvPath, `line ${line}: licence_id is empty`);
    return {
      licenceId: c.licence_id,
      name: c.name,
      status,
      licenceAreaPlaneM2: num(csvPath, line, 'licence_area_plane_m2', c.licence_area_plane_m2, true),
      licenceAreaEllipsoidalM2: num(csvPath, line, 'licence_area_ellipsoidal_m2', c.licence_area_ellipsoidal_m2, true),
      exitAreaPlaneM2: num(csvPath, line, 'exit_area_plane_m2', c.exit_area_plane_m2, true),
      exitAreaEllipsoidalM2: num(csvPath, line, 'exit_area_ellipsoidal_m2', c.exit_area_ellipsoidal_m2, true),
      warnings: c.warnings ? c.warnings.split(' | ') : [],
      blocks: [],
      exitRange: null,
    };
  });
  const byId = new Map(licences.map((l) => [l.licenceId, l]));

  const resPath = join(dir, 'reserves.csv');
  const res = await readOptional(resPath);
  if (res) {
    files.push(sha(resPath, res));
    for (const { line, cells: c } of screeningTable(resPath, res, RESERVES_COLUMNS)) {
      const block: ScreenedBlock = {
        blockId: c.block_id ?? `line ${line}`,
        oreT: num(resPath, line, 'ore_t', c.ore_t, false),
        metalT: num(resPath, line, 'metal_t', c.metal_t, false),
        exitFraction: num(resPath, line, 'exit_fraction', c.exit_fraction, true),
        exitOreT: num(resPath, line, 'exit_ore_t', c.exit_ore_t, false),
        exitMetalT: num(resPath, line, 'exit_metal_t', c.exit_metal_t, false),
        // the screening marks blocks outside the licence's mining elevations this way (classify.ts)
        excluded: c.note?.startsWith('excluded') ?? false,
        note: c.note,
      };
      byId.get(c.licence_id ?? '')?.blocks.push(block);
    }
  }

  const runPath = join(dir, 'run.json');
  const runBuf = await readOptional(runPath);
  let run: Record<string, unknown> | null = null;
  let zoneTypes: string[] | null = null;
  if (runBuf) {
    files.push(sha(runPath, runBuf));
    try {
      run = JSON.parse(runBuf.toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(runPath, `is not valid JSON: ${(err as Error).message}`);
    }
    const z = run.zone_types;
    if (!Array.isArray(z) || !z.every((t) => typeof t === 'string')) throw new InputError(runPath, 'has no zone_types list: not a redline screening record');
    zoneTypes = z as string[];
  }

  const overlapsPath = join(dir, 'overlaps.geojson');
  let exitRanges: string | null = null;
  if (options.exitRanges) {
    const read = await readExitRanges(overlapsPath);
    if (read) {
      exitRanges = 'overlaps.geojson';
      files.push(...read.files);
      for (const [id, geometry] of read.ranges) {
        const l = byId.get(id);
        if (l) l.exitRange = geometry;
      }
    }
  }
  return {
    input: {
      sources: { licences: 'screening.csv', reserves: res ? 'reserves.csv' : null, exitRanges, run: runBuf ? 'run.json' : null },
      licences,
      zoneTypes,
      hasReserves: res !== null,
    },
    run,
    files,
  };
}

/** Exit ranges by licence id, in CGCS2000 lon/lat as the screening wrote them; null when absent. */
async function readExitRanges(path: string): Promise<{ ranges: Map<string, MultiPolygon>; files: ScreeningFolder['files'] } | null> {
  const buf = await readOptional(path);
  if (buf === null) return null;
  const layer = await readLayer(path);
  const ranges = new Map<string, MultiPolygon>();
  for (const f of layer.features) {
    const id = f.attributes.licence_id;
    if (f.geometry && id !== null && id !== undefined) ranges.set(String(id), f.geometry);
  }
  return { ranges, files: [sha(path, buf)] };
}
