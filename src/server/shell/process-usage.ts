/**
 * What the processes of a shell use, read from /proc (Linux): the process count and resident
 * memory of each process group. This is how MaxProcessesPerShell and MaxMemoryPerShellMB are
 * enforced here (Windows puts the shell in a job object); elsewhere it is unknown.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface GroupUsage {
  processes: number;
  rssBytes: number;
}

const PAGE_SIZE = 4096;

/** Usage per process group among `groups`; undefined where /proc cannot be read. */
export function usageOfGroups(groups: ReadonlySet<number>): Map<number, GroupUsage> | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const usage = new Map<number, GroupUsage>([...groups].map((group) => [group, { processes: 0, rssBytes: 0 }]));
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp … rss (24th field).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const group = usage.get(Number(fields[2]));
    if (!group || fields[0] === 'Z') continue;
    group.processes++;
    group.rssBytes += Number(fields[21]) * PAGE_SIZE;
  }
  return usage;
}
