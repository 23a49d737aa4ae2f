import type { VitalMeasures } from '@trialgraph/csv';
import type { StorableVital } from './write-batch.js';

/** The subject a row is stored under: its id and the site it belongs to. */
export interface StorableSubject {
  id: string;
  siteId: string;
}

/**
 * The rows of one batch ready to store, held column by column in typed arrays, absent measures
 * as NaN. A batch lives from its parse until its write ends, past several collections of V8's
 * young generation while the next batches are parsed: as one object per row, every row was
 * copied into the old space and collected there by a mark-compact (garbage collection was a
 * third of vitals' CPU in a first import). Typed arrays are one allocation per column, outside
 * the collected heap. COPY reads the columns; the INSERT paths, taken for repeats, get row
 * objects (`rows()`).
 *
 * Rows are pushed as the parser reads them, each under its patient_id as written (its subject
 * key): the parser's row objects then die young, in the step that made them, instead of
 * waiting for the batch to fill. Once the subjects of the batch's keys are known,
 * `assignSubjects` gives each row its subject and takes out those of unknown keys; the rows are
 * read only after that.
 */
export class StorableBatch {
  #length = 0;
  readonly #lines: Int32Array;
  readonly #recordedAtMs: Float64Array;
  /** Per row, the index of its key in #keys until subjects are assigned, of its subject in #subjects after. */
  readonly #subjectIndexes: Int32Array;
  /** The distinct subject keys of the batch, in order of first appearance. */
  readonly #keys: string[] = [];
  readonly #indexOfKey = new Map<string, number>();
  /** The distinct subjects of the batch once assigned; undefined before. */
  #subjects: StorableSubject[] | undefined;
  readonly #heartRate: Float64Array;
  readonly #systolic: Float64Array;
  readonly #diastolic: Float64Array;
  readonly #temperature: Float64Array;
  readonly #respiratoryRate: Float64Array;
  readonly #spo2: Float64Array;
  /** The rows as objects, once an INSERT path or a CONFLICT message asked for them. */
  #rows: StorableVital[] | undefined;

  constructor(readonly capacity: number) {
    this.#lines = new Int32Array(capacity);
    this.#recordedAtMs = new Float64Array(capacity);
    this.#subjectIndexes = new Int32Array(capacity);
    this.#heartRate = new Float64Array(capacity);
    this.#systolic = new Float64Array(capacity);
    this.#diastolic = new Float64Array(capacity);
    this.#temperature = new Float64Array(capacity);
    this.#respiratoryRate = new Float64Array(capacity);
    this.#spo2 = new Float64Array(capacity);
  }

  /** A batch of rows whose subjects are known, keyed by subject id. */
  static of(rows: readonly StorableVital[]): StorableBatch {
    const batch = new StorableBatch(rows.length);
    const subjects = new Map<string, StorableSubject>();
    for (const row of rows) {
      batch.push(row.line, row.recordedAtMs, row, row.subjectId);
      if (!subjects.has(row.subjectId)) subjects.set(row.subjectId, { id: row.subjectId, siteId: row.siteId });
    }
    batch.assignSubjects(subjects, () => {
      throw new Error('every row of StorableBatch.of has its subject');
    });
    return batch;
  }

  get length(): number {
    return this.#length;
  }

  /** Adds a row whose subject is known only by `subjectKey` (the patient_id as written) until `assignSubjects`. */
  push(line: number, recordedAtMs: number, measures: VitalMeasures, subjectKey: string): void {
    if (this.#subjects !== undefined) throw new Error('a batch whose subjects are assigned takes no more rows');
    const at = this.#length;
    if (at === this.capacity) throw new RangeError(`a batch of ${this.capacity} rows is full`);
    let keyIndex = this.#indexOfKey.get(subjectKey);
    if (keyIndex === undefined) {
      keyIndex = this.#keys.push(subjectKey) - 1;
      this.#indexOfKey.set(subjectKey, keyIndex);
    }
    this.#lines[at] = line;
    this.#recordedAtMs[at] = recordedAtMs;
    this.#subjectIndexes[at] = keyIndex;
    this.#heartRate[at] = measures.heartRate ?? Number.NaN;
    this.#systolic[at] = measures.systolic ?? Number.NaN;
    this.#diastolic[at] = measures.diastolic ?? Number.NaN;
    this.#temperature[at] = measures.temperature ?? Number.NaN;
    this.#respiratoryRate[at] = measures.respiratoryRate ?? Number.NaN;
    this.#spo2[at] = measures.spo2 ?? Number.NaN;
    this.#length = at + 1;
  }

  /** The distinct subject keys of the rows pushed, in order of first appearance. */
  subjectKeys(): readonly string[] {
    return this.#keys;
  }

  /** The first and last line of the rows pushed, or undefined for an empty batch. */
  lineRange(): readonly [number, number] | undefined {
    return this.#length === 0 ? undefined : [this.#lines[0] ?? 0, this.#lines[this.#length - 1] ?? 0];
  }

  /**
   * Gives each row the subject of its key; a row whose key has none is taken out of the batch
   * and passed to `unknown`, in the order of the rows. Called once, before the rows are read.
   */
  assignSubjects(subjectOfKey: ReadonlyMap<string, StorableSubject>, unknown: (line: number, subjectKey: string) => void): void {
    if (this.#subjects !== undefined) throw new Error('the subjects of this batch are assigned already');
    const subjects: StorableSubject[] = [];
    // Two spellings of one subject number resolve to the same subject: one index for both.
    const indexOfSubject = new Map<StorableSubject, number>();
    const subjectIndexOfKey = this.#keys.map((key) => {
      const subject = subjectOfKey.get(key);
      if (subject === undefined) return -1;
      let index = indexOfSubject.get(subject);
      if (index === undefined) {
        index = subjects.push(subject) - 1;
        indexOfSubject.set(subject, index);
      }
      return index;
    });
    let kept = 0;
    for (let at = 0; at < this.#length; at++) {
      const keyIndex = this.#subjectIndexes[at] ?? -1;
      const subjectIndex = subjectIndexOfKey[keyIndex] ?? -1;
      if (subjectIndex < 0) {
        unknown(this.#lines[at] ?? 0, this.#keys[keyIndex] ?? '');
        continue;
      }
      if (kept !== at) this.#moveRow(at, kept);
      this.#subjectIndexes[kept] = subjectIndex;
      kept++;
    }
    this.#length = kept;
    this.#subjects = subjects;
    this.#rows = undefined;
  }

  #moveRow(from: number, to: number): void {
    for (const column of [
      this.#lines,
      this.#recordedAtMs,
      this.#heartRate,
      this.#systolic,
      this.#diastolic,
      this.#temperature,
      this.#respiratoryRate,
      this.#spo2,
    ]) {
      column[to] = column[from] ?? 0;
    }
  }

  /** The readings' instants, epoch milliseconds. */
  recordedAtMs(): Float64Array {
    return this.#recordedAtMs.subarray(0, this.#length);
  }

  /** Calls `visit` with each row's fields, measures NaN when absent, without making an object per row. */
  forEachRow(
    visit: (
      line: number,
      subject: StorableSubject,
      recordedAtMs: number,
      heartRate: number,
      systolic: number,
      diastolic: number,
      temperature: number,
      respiratoryRate: number,
      spo2: number,
    ) => void,
  ): void {
    const subjects = this.#subjects;
    if (subjects === undefined) throw new Error('the subjects of this batch are not assigned yet');
    // Every index below #length was written by push: the fallbacks only satisfy the type checker.
    for (let at = 0; at < this.#length; at++) {
      const subject = subjects[this.#subjectIndexes[at] ?? -1];
      if (subject === undefined) throw new Error(`row ${at} of the batch has no subject`);
      visit(
        this.#lines[at] ?? 0,
        subject,
        this.#recordedAtMs[at] ?? Number.NaN,
        this.#heartRate[at] ?? Number.NaN,
        this.#systolic[at] ?? Number.NaN,
        this.#diastolic[at] ?? Number.NaN,
        this.#temperature[at] ?? Number.NaN,
        this.#respiratoryRate[at] ?? Number.NaN,
        this.#spo2[at] ?? Number.NaN,
      );
    }
  }

  /** The rows as objects, absent measures as null: made once per batch, for the INSERT paths and CONFLICT messages. */
  rows(): readonly StorableVital[] {
    if (this.#rows !== undefined) return this.#rows;
    const rows: StorableVital[] = [];
    const present = (value: number) => (Number.isNaN(value) ? null : value);
    this.forEachRow((line, subject, recordedAtMs, heartRate, systolic, diastolic, temperature, respiratoryRate, spo2) =>
      rows.push({
        line,
        subjectId: subject.id,
        siteId: subject.siteId,
        recordedAtMs,
        heartRate: present(heartRate),
        systolic: present(systolic),
        diastolic: present(diastolic),
        temperature: present(temperature),
        respiratoryRate: present(respiratoryRate),
        spo2: present(spo2),
      }),
    );
    this.#rows = rows;
    return rows;
  }
}
