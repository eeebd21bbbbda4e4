import type { AttributeValue, Attributes } from '../geo/types.ts';

/**
 * Which attribute holds which concept. Bureau files name their fields in English, Chinese or
 * pinyin initials; we try the usual names case-insensitively and let `--map key=FIELD` decide
 * when they differ.
 */
export const FIELD_KEYS = [
  'licence_id', 'name', 'zone_id', 'zone_name', 'zone_type',
  'block_id', 'category', 'ore_t', 'metal_t', 'elev_top', 'elev_bottom',
] as const;
export type FieldKey = (typeof FIELD_KEYS)[number];

export const DEFAULT_FIELDS: Readonly<Record<FieldKey, readonly string[]>> = {
  licence_id: ['licence_id', 'LIC_ID', '许可证号', 'XKZH'],
  name: ['name', '矿山名称', 'KSMC'],
  zone_id: ['zone_id', 'BSM', '编号'],
  zone_name: ['zone_name', '名称', 'MC'],
  zone_type: ['zone_type', '类型'],
  block_id: ['block_id', '块段号'],
  category: ['category', '类别'],
  ore_t: ['ore_t', '矿石量'],
  metal_t: ['metal_t', '金属量'],
  // mining elevation range of a licence, and elevation range of a reserve block
  elev_top: ['elev_top', '开采上限', '标高上限'],
  elev_bottom: ['elev_bottom', '开采下限', '标高下限'],
};

export type FieldOverrides = Partial<Record<FieldKey, string>>;

/** The field chosen for each key in one layer, or null when the layer has none. */
export type FieldMapping = Partial<Record<FieldKey, string | null>>;

export function parseFieldOverrides(pairs: readonly string[]): FieldOverrides {
  const out: FieldOverrides = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    const field = pair.slice(eq + 1).trim();
    if (eq < 1 || !field) throw new Error(`--map expects key=FIELD, got "${pair}"`);
    if (!(FIELD_KEYS as readonly string[]).includes(key)) {
      throw new Error(`--map: unknown key "${key}"; keys are ${FIELD_KEYS.join(', ')}`);
    }
    out[key as FieldKey] = field;
  }
  return out;
}

/**
 * Resolves the keys a layer needs against its fields. An override naming a field the layer
 * lacks is an error (the user asked for it); a default that is missing is simply null.
 */
export function mapFields(
  file: string,
  fields: readonly string[],
  keys: readonly FieldKey[],
  overrides: FieldOverrides,
): FieldMapping {
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  const mapping: FieldMapping = {};
  for (const key of keys) {
    const wanted = overrides[key];
    if (wanted !== undefined) {
      const found = byLower.get(wanted.toLowerCase());
      if (!found) {
        throw new Error(`${file}: --map ${key}=${wanted}: no such field (fields: ${fields.join(', ')})`);
      }
      mapping[key] = found;
      continue;
    }
    mapping[key] = DEFAULT_FIELDS[key].map((f) => byLower.get(f.toLowerCase())).find((f) => f) ?? null;
  }
  return mapping;
}

export function textOf(attributes: Attributes, field: string | null | undefined): string | null {
  if (!field) return null;
  const v: AttributeValue | undefined = attributes[field];
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

export function numberOf(attributes: Attributes, field: string | null | undefined): number | null {
  if (!field) return null;
  const v = attributes[field];
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isFinite(n) ? n : null;
}

export type ZoneType = 'redline' | 'nature_reserve';

const ZONE_TYPE_WORDS: ReadonlyArray<[ZoneType, readonly string[]]> = [
  ['redline', ['redline', '生态保护红线', '生态红线', '红线']],
  ['nature_reserve', ['nature_reserve', '自然保护区', '保护区']],
];

/** A zone type from an attribute value or, failing that, from words in the file name. */
export function zoneTypeOf(text: string | null): ZoneType | null {
  if (!text) return null;
  const t = text.toLowerCase();
  for (const [type, words] of ZONE_TYPE_WORDS) {
    if (words.some((w) => t === w || t.includes(w))) return type;
  }
  return null;
}

/** Default id fields, licences first, then zones and reserve blocks. */
export const ID_FIELDS: readonly string[] = [...DEFAULT_FIELDS.licence_id, ...DEFAULT_FIELDS.zone_id, ...DEFAULT_FIELDS.block_id];

/** The first default id field a layer has (case-insensitive), for naming features in messages. */
export function idFieldOf(fields: readonly string[]): string | null {
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  for (const f of ID_FIELDS) {
    const found = byLower.get(f.toLowerCase());
    if (found) return found;
  }
  return null;
}
