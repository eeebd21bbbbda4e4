import { loadGeos } from '../geo/overlay.ts';
import { LicenceFailure, runJob } from './job.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';

/**
 * Entry point of an overlay worker process (see pool.ts). GDAL is loaded at once, while the
 * main process is still reading the input files.
 */
loadGeos();

process.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'close') {
    const reply: WorkerReply = { type: 'closed', maxRssKb: process.resourceUsage().maxRSS };
    process.send?.(reply, () => process.exit(0));
    return;
  }
  runJob(msg.job, (results) => process.send?.({ type: 'results', results } satisfies WorkerReply)).then(
    () => process.send?.({ type: 'done' } satisfies WorkerReply),
    (err: Error) => process.send?.({
      type: 'error',
      message: err.message,
      licence: err instanceof LicenceFailure ? err.licence : null,
    } satisfies WorkerReply),
  );
});
