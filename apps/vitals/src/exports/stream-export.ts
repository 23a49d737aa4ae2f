import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { VitalsDatabase } from '../db/client.js';
import type { SubjectNumberLookup } from '../subjects-client.js';
import type { ExportWriter } from './export-formats.js';
import { readExportPage, type ExportPosition, type ExportSelection } from './export-store.js';

/**
 * Readings per page: one statement each. Large enough that the round trip and the subject-number
 * call are a small part of a page, small enough that a page's rows and text stay a few MB.
 */
export const EXPORT_PAGE_READINGS = 5_000;

export class ExportStalledError extends Error {}

/**
 * Writes an export page by page, waiting for the client to take each page before reading the next:
 * memory holds one page whatever the export's size, and a client that stops reading for
 * `idleTimeoutMs` ends the export (its connection is then closed). Subject numbers come from the
 * subjects service, one batched call per page for the subjects the page names (pages follow
 * subjects in order, so one page's numbers usually serve the next). Resolves with the readings written.
 */
export async function streamExport(options: {
  db: VitalsDatabase;
  subjects: SubjectNumberLookup;
  selection: ExportSelection;
  writer: ExportWriter;
  out: Writable;
  idleTimeoutMs: number;
  signal: AbortSignal;
}): Promise<number> {
  const { out } = options;
  await writeWithin(out, options.writer.head, options.idleTimeoutMs, options.signal);
  let numbers = new Map<string, string>();
  let written = 0;
  const readAfter = (after: ExportPosition | undefined) => {
    const page = readExportPage(options.db, options.selection, after, EXPORT_PAGE_READINGS);
    // Awaited below; until then a failure must not count as unhandled.
    page.catch(() => undefined);
    return page;
  };
  let next = readAfter(undefined);
  for (;;) {
    options.signal.throwIfAborted();
    const page = await next;
    if (page.length === 0) break;
    const last = page.at(-1);
    if (last === undefined) break;
    // The next page is read while this one is written and taken by the client.
    next = page.length < EXPORT_PAGE_READINGS ? Promise.resolve([]) : readAfter({ subjectId: last.subjectId, recordedAt: last.recordedAt });
    const pageSubjects = [...new Set(page.map((reading) => reading.subjectId))];
    const missing = pageSubjects.filter((id) => !numbers.has(id));
    const found = missing.length > 0 ? await options.subjects.findSubjectNumbers(missing) : new Map<string, string>();
    const known = numbers;
    const numberOf = (id: string): string => {
      const number = known.get(id) ?? found.get(id);
      // Export scope lies within the scope subjects are looked up in, so every subject exported has a number for this caller.
      if (number === undefined) throw new Error(`the subjects service has no subject number for subject ${id}, whose readings are being exported`);
      return number;
    };
    // Every number of the page is found before any of it is written: a missing one fails the export, not half a page.
    numbers = new Map(pageSubjects.map((id) => [id, numberOf(id)]));
    await writeWithin(out, options.writer.page(page, numberOf), options.idleTimeoutMs, options.signal);
    written += page.length;
  }
  return written;
}

async function writeWithin(out: Writable, text: string, idleTimeoutMs: number, signal: AbortSignal): Promise<void> {
  if (text.length === 0 || out.write(text)) return;
  const idle = AbortSignal.timeout(idleTimeoutMs);
  try {
    await once(out, 'drain', { signal: AbortSignal.any([idle, signal]) });
  } catch (error) {
    if (idle.aborted) throw new ExportStalledError(`the client took nothing for ${idleTimeoutMs} ms (EXPORT_IDLE_TIMEOUT_MS)`, { cause: error });
    throw error;
  }
}
