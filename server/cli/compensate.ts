import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProfileConfig } from '../compensation/config.ts';
import { compensate } from '../compensation/engine.ts';
import { yuan } from '../compensation/money.ts';
import { findProfile, profileIds } from '../compensation/registry.ts';
import { InputError } from '../errors.ts';
import { parseCrsArg } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
import { writeCompensation } from '../io/compensation-out.ts';
import { readFacilities } from '../io/facilities.ts';
import { readFinance } from '../io/finance.ts';
import { readScreening } from '../io/screening-in.ts';
import { UsageError, VERSION } from './common.ts';

export const COMPENSATE_USAGE = `redline compensate --policy ${profileIds().join('|')} --screening DIR --finance FILE
  [--facilities FILE] [--facilities-crs EPSG:n] [--profile-config FILE.json] [--out DIR]`;

/** The bureau's option values and revenue-share table: { "options": {…}, "revenue_shares": […] }. */
async function readProfileConfig(path: string): Promise<ProfileConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'file not found' : `is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(path, 'expected an object: { "options": { … }, "revenue_shares": [ … ] }');
  }
  const o = parsed as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'options' && k !== 'revenue_shares');
  if (extra.length > 0) throw new InputError(path, `unknown key(s) ${extra.join(', ')}; expected options and revenue_shares`);
  if (o.options !== undefined && (typeof o.options !== 'object' || o.options === null || Array.isArray(o.options))) {
    throw new InputError(path, '"options" must be an object of option values');
  }
  return { source: basename(path), options: o.options as Record<string, unknown> | undefined, revenue_shares: o.revenue_shares };
}

export async function compensateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      policy: { type: 'string' },
      screening: { type: 'string' },
      finance: { type: 'string' },
      facilities: { type: 'string' },
      'facilities-crs': { type: 'string' },
      'profile-config': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (!values.policy || !values.screening || !values.finance) {
    throw new UsageError(`--policy, --screening and --finance are required\n${COMPENSATE_USAGE}`);
  }
  const profile = findProfile(values.policy);
  if (!profile) throw new UsageError(`--policy: unknown profile "${values.policy}"; profiles are ${profileIds().join(', ')}`);
  let crsFlag: Crs | null = null;
  if (values['facilities-crs'] !== undefined) {
    try {
      crsFlag = parseCrsArg(values['facilities-crs']);
    } catch (err) {
      throw new UsageError(`--facilities-crs: ${(err as Error).message}`);
    }
  }
  const config = values['profile-config'] ? await readProfileConfig(values['profile-config']) : undefined;
  const folder = await readScreening(values.screening, { exitRanges: values.facilities !== undefined });
  const finance = await readFinance(values.finance);
  const facilities = values.facilities ? await readFacilities(values.facilities, crsFlag) : null;

  const result = compensate({ profile, screening: folder.input, finance: finance.table, facilities: facilities?.layer ?? null, config });

  const out = values.out ?? values.screening;
  const meta = {
    redline: { version: VERSION, command: 'compensate', argv },
    created: new Date().toISOString(),
    inputs: {
      screening: { dir: resolve(values.screening), files: folder.files, run_created: folder.run?.created ?? null },
      finance: {
        ...finance.file, path: resolve(finance.file.path), format: finance.format, encoding: finance.encoding, sheet: finance.sheet,
        columns: finance.table.columns, normalised_number_cells: finance.normalised,
      },
      facilities: facilities && {
        path: resolve(facilities.source.source),
        files: facilities.source.files,
        features: facilities.layer.features.length,
        crs: { epsg: facilities.crs.epsg, name: facilities.crs.name, source: facilities.crs.source },
        encoding: facilities.source.encoding,
        field_mapping: facilities.fields,
      },
      profile_config: config ? resolve(values['profile-config'] as string) : null,
    },
  };
  await writeCompensation(out, result, meta);

  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  const t = result.totals;
  process.stderr.write(
    `compensation (${profile.id}) for ${t.licences} licence(s), ${t.eligible} eligible: ` +
    `gross ${yuan(t.gross)} yuan, payable ${yuan(t.payable)} yuan, owed by holders ${yuan(t.owedByHolder)} yuan; ` +
    `results in ${resolve(out)} (compensation.csv, compensation.json)\n`,
  );
  return 0;
}
