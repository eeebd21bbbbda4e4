import { compensate, type CompensateInput } from '../../server/compensation/engine.ts';
import { Dec } from '../../server/compensation/money.ts';
import type {
  CompensationResult, FacilityLayer, FinanceTable, LicenceCompensation, ScreenedBlock, ScreenedLicence, ScreeningInput,
} from '../../server/compensation/types.ts';
import type { Status } from '../../server/screening/types.ts';

/** Builders of engine inputs for the tests: what screening.csv, reserves.csv and the finance table would say. */

export interface BlockSpec {
  id: string;
  ore?: string | null;
  exitOre?: string | null;
  metal?: string | null;
  exitMetal?: string | null;
  excluded?: boolean;
}

export interface LicenceSpec {
  id: string;
  status?: Status;
  /** plane licence area, m² */
  area?: string;
  /** plane exit area, m² */
  exitArea?: string;
  blocks?: BlockSpec[];
  exitRange?: ScreenedLicence['exitRange'];
}

const d = (v: string | null | undefined): InstanceType<typeof Dec> | null => (v === null || v === undefined ? null : new Dec(v));

export function screened(s: LicenceSpec): ScreenedLicence {
  const area = new Dec(s.area ?? '1000000');
  const exit = new Dec(s.exitArea ?? '500000');
  return {
    licenceId: s.id,
    name: null,
    status: s.status ?? 'partial',
    licenceAreaPlaneM2: area,
    // a slightly different ellipsoidal figure, so a test can tell which one the engine used
    licenceAreaEllipsoidalM2: area.times('0.99999'),
    exitAreaPlaneM2: exit,
    exitAreaEllipsoidalM2: exit.times('0.99999'),
    warnings: [],
    blocks: (s.blocks ?? []).map((b): ScreenedBlock => {
      const ore = d(b.ore);
      const exitOre = d(b.exitOre);
      return {
        blockId: b.id,
        oreT: ore,
        metalT: d(b.metal),
        exitFraction: ore && exitOre && !ore.isZero() ? exitOre.div(ore) : new Dec(0),
        exitOreT: exitOre,
        exitMetalT: d(b.exitMetal),
        excluded: b.excluded ?? false,
        note: b.excluded ? 'excluded: block elevations lie outside the licence\'s mining elevations' : null,
      };
    }),
    exitRange: s.exitRange ?? null,
  };
}

export function screening(licences: LicenceSpec[], o: { zoneTypes?: string[] | null; hasReserves?: boolean } = {}): ScreeningInput {
  return {
    sources: { licences: 'screening.csv', reserves: 'reserves.csv', exitRanges: 'overlaps.geojson', run: 'run.json' },
    licences: licences.map(screened),
    zoneTypes: o.zoneTypes === undefined ? null : o.zoneTypes,
    hasReserves: o.hasReserves ?? true,
  };
}

/** Rows as a bureau fills them in; a column is in the table when any row names it. */
export function financeTable(rows: Record<string, string | null>[]): FinanceTable {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return {
    source: 'finance.csv',
    columns,
    rows: rows.map((r, i) => ({ row: i + 2, cells: Object.fromEntries(columns.map((c) => [c, r[c] ?? null])) })),
  };
}

/** The finance cells every Hainan row needs besides the figures of its example. */
export const HAINAN_BASE = { licence_valid: 'yes', restoration: 'accepted', approval_level: 'province', established_date: '2019-05-20' };
/** The same for Bayannur. */
export const BAYANNUR_BASE = {
  licence_valid: 'yes', consolidation_compensated: 'no', established_date: '2012-03-01', restoration: 'accepted', approval_level: 'city_county',
};

export function run(
  profile: CompensateInput['profile'],
  licences: LicenceSpec[],
  rows: Record<string, string | null>[],
  extra: { zoneTypes?: string[] | null; hasReserves?: boolean; facilities?: FacilityLayer; config?: CompensateInput['config'] } = {},
): CompensationResult {
  const zoneTypes = extra.zoneTypes !== undefined ? extra.zoneTypes : typeof profile === 'string'
    ? [profile === 'hainan-2023' ? 'redline' : 'nature_reserve']
    : [...profile.zoneTypes];
  return compensate({
    profile,
    screening: screening(licences, { zoneTypes, hasReserves: extra.hasReserves }),
    finance: financeTable(rows),
    facilities: extra.facilities,
    config: extra.config,
  });
}

/** The one licence of a one-row run. */
export function one(
  profile: CompensateInput['profile'],
  licence: LicenceSpec,
  row: Record<string, string | null>,
  extra: Parameters<typeof run>[3] = {},
): LicenceCompensation {
  return run(profile, [licence], [{ licence_id: licence.id, ...row }], extra).licences[0];
}

/** An amount of a line item, as text with two decimals. */
export function item(l: LicenceCompensation, kind: 'price_refund' | 'investment' | 'facilities'): string | undefined {
  return l.lineItems.find((i) => i.item === kind)?.result.toFixed(2);
}

export const money = (x: { toFixed(n: number): string } | null): string | null => (x === null ? null : x.toFixed(2));
