/**
 * Peak memory of other processes, read from /proc (Linux): VmHWM is the kernel's high-water mark
 * of a process's resident set, so polling it loses nothing between polls, only what a process
 * does after the last poll before it exits.
 */
import fs from 'node:fs';

function status(pid: number, key: string): number | null {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null; // gone already
  }
}

function allPids(): number[] {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

/** `root` and all its descendants alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields resume after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(pid);
      children.set(ppid, list);
    } catch {
      // exited while we looked
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/** Live processes whose command line matches. */
export function findProcesses(match: (cmdline: string) => boolean): number[] {
  const out: number[] = [];
  for (const pid of allPids()) {
    try {
      if (match(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))) out.push(pid);
    } catch {
      // exited
    }
  }
  return out;
}

export interface PeakWatch {
  /** Stops polling; the sum over all processes seen of each one's highest VmHWM, in MB. */
  stop(): number;
}

export function watchPeak(pids: () => number[], intervalMs = 100): PeakWatch {
  const peak = new Map<number, number>();
  const poll = (): void => {
    for (const pid of pids()) {
      const hwm = status(pid, 'VmHWM');
      if (hwm !== null && hwm > (peak.get(pid) ?? 0)) peak.set(pid, hwm);
    }
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    stop() {
      poll();
      clearInterval(timer);
      let kb = 0;
      for (const v of peak.values()) kb += v;
      return kb / 1024;
    },
  };
}
