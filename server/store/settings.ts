/**
 * The service's settings in the SQLite store: one row per key, the value as JSON. Which keys
 * exist and what they may hold is the HTTP layer's business; the store keeps them and audits
 * each change.
 */
import { checkActor, jsonText, parseJson, writeAudit, type Db } from './sql.ts';
import type { Json } from './store.ts';

export function readSettings(db: Db): Record<string, Json> {
  const rows = db.prepare('SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, parseJson(r.value)]));
}

export function saveSettings(db: Db, values: Record<string, Json>, by: string): Record<string, Json> {
  checkActor(by);
  return db.transaction(() => {
    const before = readSettings(db);
    const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    for (const [key, value] of Object.entries(values)) put.run(key, jsonText(value));
    const after = readSettings(db);
    writeAudit(db, by, 'settings.save', 'settings', before, after);
    return after;
  }).immediate();
}
