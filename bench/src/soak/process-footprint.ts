import { readdirSync } from 'node:fs';
import { readRssBytes } from '../rss-sampler.js';

/** What a process holds, seen from outside it: resident memory and open file descriptors. */
export interface Footprint {
  rssBytes: number;
  /** Entries of /proc/<pid>/fd: sockets (clients, database and Redis connections), files, pipes. */
  openHandles: number;
}

/** One reading of a process's footprint (Linux /proc); null once it has exited. */
export function readFootprint(pid: number): Footprint | null {
  const rssBytes = readRssBytes(pid);
  if (rssBytes === null) return null;
  try {
    return { rssBytes, openHandles: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return null;
  }
}

/**
 * The median of `samples` readings one second apart, per process: one reading can land just
 * before or after a garbage collection or a burst of connections; the median of several cannot.
 */
export async function medianFootprint(pids: Record<string, number>, samples: number): Promise<Record<string, Footprint | null>> {
  const readings: Record<string, Footprint[]> = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  for (let sample = 0; sample < samples; sample++) {
    if (sample > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const [name, pid] of Object.entries(pids)) {
      const reading = readFootprint(pid);
      if (reading) readings[name]!.push(reading);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return Object.fromEntries(
    Object.entries(readings).map(([name, taken]) => [
      name,
      taken.length === 0
        ? null
        : { rssBytes: median(taken.map((reading) => reading.rssBytes)), openHandles: median(taken.map((reading) => reading.openHandles)) },
    ]),
  );
}
