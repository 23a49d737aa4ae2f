import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc (Linux); null once it has exited. */
export function readRssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Samples the RSS of some processes every `intervalMs` and keeps each one's peak. A 100 ms
 * grid can miss a spike shorter than that; a buffered file could not hide in it.
 */
export function sampleRss(pids: Record<string, number>, intervalMs = 100): { stop(): Record<string, number> } {
  const peaks: Record<string, number> = {};
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const rss = readRssBytes(pid);
      if (rss !== null && rss > (peaks[name] ?? 0)) peaks[name] = rss;
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}
