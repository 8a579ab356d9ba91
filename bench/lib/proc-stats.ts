import { readFile, readdir } from 'node:fs/promises';

/** Resident memory of a process, in MB (2^20 bytes). */
export interface ProcessMemory {
  /** VmRSS: resident now. */
  rssMb: number;
  /** VmHWM: the highest resident size since the process started (its peak). */
  peakRssMb: number;
}

/** Reads /proc/<pid>/status (Linux). The peak covers every thread of the process. */
export async function readProcessMemory(pid: number): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return { rssMb: field(status, 'VmRSS'), peakRssMb: field(status, 'VmHWM') };
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${name} line.`);
  return Number(match[1]) / 1024;
}

// USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux port Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far (user + system, all threads), in ms. On a shared
 * machine this moves far less than wall time with the load of others, so the CPU time
 * per request backs up a requests/s ratio.
 */
export async function readProcessCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`/proc/${pid}/stat could not be read.`);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Resident memory of a process and all its descendants together, in MB (2^20 bytes), from
 * /proc (Linux): the server with the parser processes it started. Processes that end
 * between the listing and the read count as 0.
 */
export async function readTreeRssMb(rootPid: number): Promise<number> {
  const parents = new Map<number, number>();
  const rssKb = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const status = await readFile(`/proc/${name}/status`, 'latin1').catch(() => '');
    const ppid = /^PPid:\s+(\d+)$/m.exec(status)?.[1];
    if (ppid === undefined) continue;
    parents.set(Number(name), Number(ppid));
    rssKb.set(Number(name), Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0));
  }
  let kb = 0;
  for (const [pid, rss] of rssKb) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)) {
      if (at === rootPid) {
        kb += rss;
        break;
      }
    }
  }
  return kb / 1024;
}
