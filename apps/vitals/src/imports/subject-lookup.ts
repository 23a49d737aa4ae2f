import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { SubjectsUnavailableError, type SubjectsClient, type SubjectSummary } from '../subjects-client.js';
import { ImportFileError } from './import-file-error.js';

/**
 * The longest subject number worth asking about: `<study code, ≤ 12>-<site code, ≤ 10>-<sequence>`
 * (apps/subjects) stays far below it. A longer patient_id is unknown without a call, and is
 * neither sent nor remembered: a file of 60,000-character ids would otherwise fill the cache
 * and the calls with them.
 */
export const MAX_SUBJECT_NUMBER_LENGTH = 64;

const UNKNOWN = 'unknown' as const;

/** The key a patient_id is looked up by, or undefined when it cannot be a subject number. */
function subjectKeyOf(patientId: string): string | undefined {
  return patientId.length > MAX_SUBJECT_NUMBER_LENGTH ? undefined : patientId.toUpperCase();
}

/**
 * Finds the subjects a batch names, asking the subjects subgraph only about numbers not seen
 * before. What it learns is kept in a cache bounded in entries (least recently used dropped
 * first), so a file full of distinct unknown ids costs calls, not memory.
 */
export class SubjectLookup {
  readonly #cache: LRUCache<string, SubjectSummary | typeof UNKNOWN>;

  constructor(private readonly options: { subjects: SubjectsClient; studyId: string; cacheEntries: number }) {
    this.#cache = new LRUCache({ max: options.cacheEntries });
  }

  /**
   * The subject of each of a batch's distinct patient_ids, by the id as the file writes it,
   * looked up or remembered; ids absent from the map are unknown. `lines`, the batch's first and
   * last line, name it when the lookup fails. Returned per batch, so a cache smaller than a batch
   * still answers all.
   */
  async resolve(patientIds: Iterable<string>, lines: readonly [number, number] | undefined): Promise<Map<string, SubjectSummary>> {
    const numberOf = new Map<string, string>();
    const found = new Map<string, SubjectSummary>();
    const missing = new Set<string>();
    for (const written of patientIds) {
      if (numberOf.has(written)) continue;
      const number = subjectKeyOf(written);
      if (number === undefined) continue;
      numberOf.set(written, number);
      if (found.has(number) || missing.has(number)) continue;
      const known = this.#cache.get(number);
      if (known === undefined) missing.add(number);
      else if (known !== UNKNOWN) found.set(number, known);
    }
    if (missing.size > 0) {
      let answered: SubjectSummary[];
      try {
        answered = await this.options.subjects.findSubjectsByNumbers(this.options.studyId, [...missing]);
      } catch (error) {
        throw asImportFault(error, lines);
      }
      for (const subject of answered) {
        found.set(subject.subjectNumber, subject);
        this.#cache.set(subject.subjectNumber, subject);
      }
      for (const number of missing) if (!found.has(number)) this.#cache.set(number, UNKNOWN);
    }
    const byWritten = new Map<string, SubjectSummary>();
    for (const [written, number] of numberOf) {
      const subject = found.get(number);
      if (subject) byWritten.set(written, subject);
    }
    return byWritten;
  }
}

/** A failed lookup ends the import naming the subjects service, not as an internal error. */
function asImportFault(error: unknown, lineRange: readonly [number, number] | undefined): unknown {
  const lines = lineRange ? ` of lines ${lineRange[0]}–${lineRange[1]}` : '';
  if (error instanceof SubjectsUnavailableError) {
    return new ImportFileError(
      'SUBJECTS_UNAVAILABLE',
      `the subjects service did not answer when asked for the subjects${lines} (${error.reason}); nothing was stored: send the file again`,
    );
  }
  if (error instanceof GraphQLError) {
    return new ImportFileError('SUBJECTS_REFUSED', `the subjects service refused to look up the subjects${lines}: ${error.message}; nothing was stored`);
  }
  return error;
}
