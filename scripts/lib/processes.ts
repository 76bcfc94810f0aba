import { readdirSync, readFileSync } from 'node:fs';

/** The pid of `parent`'s child whose command line contains `match`, read from /proc (Linux), if any. */
export function childPid(parent: number, match: string): number | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // The parent pid is the 2nd field after the command name, which may itself hold spaces.
      const parentPid = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      if (Number(parentPid) === parent && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(match)) {
        return Number(pid);
      }
    } catch {
      // The process ended meanwhile.
    }
  }
  return undefined;
}
