/**
 * Screening runs in the SQLite store: queued → running → done | failed.
 *
 * Each run records the process that owns it (pid and a random id of the store instance, new
 * on every open). Recovery at start-up (`recoverInterrupted`), the policy:
 * - a run that was *running* when its process died is marked **failed** ("interrupted … run it
 *   again"), never restarted automatically: the crash may have been caused by the run itself
 *   (memory exhausted by a pathological geometry), and restarting it at every start would
 *   crash the service in a loop. Its partial result never reached the file — a result is
 *   saved in one transaction with the status `done` — so nothing needs cleaning up; running it
 *   again takes seconds.
 * - a run still *queued* (its process died before starting it) is taken over by this process
 *   and returned as re-queued, for the caller to start: nothing of it had begun.
 * A process is dead when its pid no longer exists, or is this process's pid with another
 * instance id (a service restarted in a container is pid 1 again). A live unrelated process
 * that happens to reuse the pid keeps the run "running" until it exits: rare, and safe.
 */
import { now } from './gpkg.ts';
import { checkActor, jsonText, listRows, parseJson, writeAudit, type Db } from './sql.ts';
import { StoreError, type NewRun, type Recovery, type Run, type RunFilter, type RunStatus } from './store.ts';

export interface Owner {
  pid: number;
  instance: string;
}

interface RunRow {
  id: number; status: RunStatus; licences_dataset: number; reserves_dataset: number | null; division_code: string;
  options: string; progress_done: number; progress_total: number; message: string | null; summary: string | null;
  owner_pid: number | null; owner_instance: string | null; created_at: string; created_by: string;
  started_at: string | null; finished_at: string | null;
}

function runOf(db: Db, r: RunRow): Run {
  const zones = db.prepare('SELECT dataset_id FROM run_zones WHERE run_id = ? ORDER BY position').pluck().all(r.id) as number[];
  return {
    id: r.id, status: r.status, licences: r.licences_dataset, zones, reserves: r.reserves_dataset, divisionCode: r.division_code,
    options: parseJson(r.options), progress: { done: r.progress_done, total: r.progress_total }, message: r.message,
    summary: parseJson<Run['summary']>(r.summary),
    createdAt: r.created_at, createdBy: r.created_by, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

export function runRow(db: Db, id: number): RunRow {
  const r = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  if (!r) throw new StoreError('not_found', `no run ${id}`);
  return r;
}

export function getRun(db: Db, id: number): Run | null {
  const r = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  return r ? runOf(db, r) : null;
}

export function listRuns(db: Db, filter: RunFilter = {}): Run[] {
  return listRows<RunRow>(db, 'runs', { status: filter.status }, filter.division).map((r) => runOf(db, r));
}

/** A dataset a run may use: of the right kind, with a confirmed CRS. */
function usable(db: Db, id: number, kind: string, role: string): { division_code: string } {
  const d = db.prepare('SELECT kind, epsg, crs_confirmed, division_code FROM datasets WHERE id = ?').get(id) as
    { kind: string; epsg: number | null; crs_confirmed: number; division_code: string } | undefined;
  if (!d) throw new StoreError('not_found', `${role}: no dataset ${id}`);
  if (d.kind !== kind) throw new StoreError('invalid', `${role}: dataset ${id} holds ${d.kind}, not ${kind}`);
  if (d.epsg === null) throw new StoreError('conflict', `${role}: dataset ${id} has no CRS; confirm one first`);
  if (d.crs_confirmed !== 1) throw new StoreError('conflict', `${role}: the CRS of dataset ${id} (EPSG:${d.epsg}) is only suggested; confirm it first`);
  return d;
}

export function createRun(db: Db, input: NewRun, by: string, owner: Owner): Run {
  checkActor(by);
  if (input.zones.length === 0) throw new StoreError('invalid', 'a run needs at least one zone dataset');
  const id = db.transaction((): number => {
    const { division_code } = usable(db, input.licences, 'licences', 'licences');
    input.zones.forEach((z) => usable(db, z, 'zones', 'zones'));
    if (input.reserves !== null) usable(db, input.reserves, 'reserves', 'reserves');
    const { lastInsertRowid } = db.prepare(
      `INSERT INTO runs (status, licences_dataset, reserves_dataset, division_code, options, owner_pid, owner_instance, created_at, created_by)
       VALUES ('queued', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(input.licences, input.reserves, division_code, jsonText(input.options), owner.pid, owner.instance, now(), by);
    const runId = Number(lastInsertRowid);
    const zone = db.prepare('INSERT INTO run_zones (run_id, position, dataset_id) VALUES (?, ?, ?)');
    input.zones.forEach((z, i) => zone.run(runId, i, z));
    writeAudit(db, by, 'run.create', `run:${runId}`, null, { status: 'queued', ...input, divisionCode: division_code });
    return runId;
  }).immediate();
  return getRun(db, id) as Run;
}

/** Audit actor for what the service does on its own (start, finish, fail, recover a run). */
export const SYSTEM = 'system';

export function startRun(db: Db, id: number, owner: Owner): Run {
  db.transaction(() => {
    const r = runRow(db, id);
    if (r.status !== 'queued') throw new StoreError('conflict', `run ${id} is ${r.status}, not queued`);
    db.prepare("UPDATE runs SET status = 'running', started_at = ?, owner_pid = ?, owner_instance = ? WHERE id = ?")
      .run(now(), owner.pid, owner.instance, id);
    writeAudit(db, SYSTEM, 'run.start', `run:${id}`, { status: r.status }, { status: 'running' });
  }).immediate();
  return getRun(db, id) as Run;
}

export function setProgress(db: Db, id: number, done: number, total: number): void {
  db.prepare("UPDATE runs SET progress_done = ?, progress_total = ? WHERE id = ? AND status = 'running'").run(done, total, id);
}

export function failRun(db: Db, id: number, message: string): Run {
  db.transaction(() => {
    const r = runRow(db, id);
    if (r.status !== 'queued' && r.status !== 'running') throw new StoreError('conflict', `run ${id} is ${r.status} already`);
    db.prepare("UPDATE runs SET status = 'failed', message = ?, finished_at = ? WHERE id = ?").run(message, now(), id);
    writeAudit(db, SYSTEM, 'run.fail', `run:${id}`, { status: r.status }, { status: 'failed', message });
  }).immediate();
  return getRun(db, id) as Run;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function recoverInterrupted(db: Db, owner: Owner): Recovery {
  return db.transaction((): Recovery => {
    const out: Recovery = { failed: [], requeued: [] };
    const rows = db.prepare("SELECT * FROM runs WHERE status IN ('queued', 'running') ORDER BY id").all() as RunRow[];
    for (const r of rows) {
      if (r.owner_instance === owner.instance) continue;
      const dead = r.owner_pid === null || r.owner_pid === owner.pid || !alive(r.owner_pid);
      if (!dead) continue;
      if (r.status === 'running') {
        const message = `interrupted: the process screening it stopped (at ${r.progress_done} of ${r.progress_total} licences); nothing of it was saved, run it again`;
        db.prepare("UPDATE runs SET status = 'failed', message = ?, finished_at = ? WHERE id = ?").run(message, now(), r.id);
        writeAudit(db, SYSTEM, 'run.recover_failed', `run:${r.id}`, { status: r.status, owner_pid: r.owner_pid }, { status: 'failed', message });
        out.failed.push(r.id);
      } else {
        db.prepare('UPDATE runs SET owner_pid = ?, owner_instance = ? WHERE id = ?').run(owner.pid, owner.instance, r.id);
        writeAudit(db, SYSTEM, 'run.recover_requeued', `run:${r.id}`, { owner_pid: r.owner_pid }, { owner_pid: owner.pid });
        out.requeued.push(r.id);
      }
    }
    return out;
  }).immediate();
}
