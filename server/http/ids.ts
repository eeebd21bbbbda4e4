/**
 * Public ids: the store numbers its rows; the API names them `ds_3`, `run_12`, so an id says
 * what it is and a dataset id pasted where a run id belongs is a clear 404.
 */
import { notFound } from './errors.ts';

export const datasetId = (id: number): string => `ds_${id}`;
export const runId = (id: number): string => `run_${id}`;

function parse(prefix: string, what: string, raw: string | number): number {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return raw;
  const m = new RegExp(`^${prefix}_([1-9]\\d{0,15})$`).exec(String(raw));
  if (!m) throw notFound(`no ${what} "${String(raw)}" (${what} ids look like ${prefix}_1)`);
  return Number(m[1]);
}

/** `ds_3` (or the store's number 3, for callers inside the process) → 3; anything else is a 404. */
export const parseDatasetId = (raw: string | number): number => parse('ds', 'dataset', raw);
export const parseRunId = (raw: string | number): number => parse('run', 'run', raw);
