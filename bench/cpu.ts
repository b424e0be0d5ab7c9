import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
export const CLOCK_TICKS = 100;

/**
 * CPU ticks (user + system, with reaped children's) of this process and of its descendants, by name: `api` (this process), `ferretdb`, `postgres`, `other`.
 * `postgresDatabase`: also counts, as `postgres`, the backends of a PostgreSQL this process did not start (the system one
 * `bench/run.ts` uses) that serve that database (their title names it); a backend that exited meanwhile is not counted.
 */
export function cpuOfTree(options: { postgresDatabase?: string } = {}): Record<string, number> {
  const procs = new Map<number, { ppid: number; name: string; ticks: number }>();
  const servingDatabase = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (options.postgresDatabase) {
        const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (title.startsWith('postgres: ') && title.includes(` ${options.postgresDatabase} `)) servingDatabase.add(Number(entry));
      }
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the name: state, ppid, ..., utime (14th field overall), stime, cutime, cstime.
      procs.set(Number(entry), { ppid: Number(fields[1]), name, ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
    } catch {
      // gone meanwhile
    }
  }
  const out: Record<string, number> = { api: 0, ferretdb: 0, postgres: 0, other: 0 };
  const inTree = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid, hops = 0; p !== undefined && hops < 20; p = procs.get(p)?.ppid, hops += 1) if (p === process.pid) return true;
    return false;
  };
  for (const [pid, p] of procs) {
    if (pid === process.pid) out.api! += p.ticks;
    else if (servingDatabase.has(pid)) out.postgres! += p.ticks;
    else if (inTree(pid)) {
      const kind = p.name.startsWith('ferretdb') ? 'ferretdb' : p.name.startsWith('postgres') ? 'postgres' : 'other';
      out[kind]! += p.ticks;
    }
  }
  return out;
}
