/**
 * A child's memory as the fuzz report gives it. The peak is the kernel's high-water mark of the
 * resident set (getrusage's maxrss); on Linux, writing 5 to /proc/self/clear_refs starts it again
 * from the current RSS, so that each family's peak is its own and not the run's so far. Where that
 * is refused the peak stays the process's since its start (the report says which).
 */
import { writeFileSync } from 'node:fs';
import type { ChildReply } from './protocol';

/** Starts the peak again from now; false where the system does not allow it. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export function peakRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/** The answer to `family-start`: the RSS now (before the family's first case), and whether the peak was reset. */
export function familyStart(id: number): ChildReply {
  const peakReset = resetPeakRss();
  return { type: 'family-started', id, rssKb: Math.round(process.memoryUsage().rss / 1024), peakReset };
}
