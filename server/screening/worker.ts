import { runTask } from './task.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';

/**
 * Entry point of an overlay worker process. GEOS runs through gdal-async, a native addon that
 * loads once per process and not in worker threads, so parallel overlay means processes.
 */
process.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'close') {
    const reply: WorkerReply = { type: 'closed', maxRssKb: process.resourceUsage().maxRSS };
    process.send?.(reply, () => process.exit(0));
    return;
  }
  try {
    const results = msg.tasks.map(runTask);
    const reply: WorkerReply = { type: 'results', batch: msg.batch, results };
    process.send?.(reply);
  } catch (err) {
    const reply: WorkerReply = { type: 'error', batch: msg.batch, message: (err as Error).message };
    process.send?.(reply);
  }
});
