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
 * third of vitals' CPU in a first import, and is a quarter with this and copyText's bytes).
 * Typed arrays are one allocation per column, outside the collected heap. COPY reads the
 * columns; the INSERT paths, taken for repeats, get row objects (`rows()`).
 */
export class StorableBatch {
  #length = 0;
  readonly #lines: Int32Array;
  readonly #recordedAtMs: Float64Array;
  readonly #subjectIndexes: Int32Array;
  /** The distinct subjects of the batch, in order of first appearance. */
  readonly #subjects: StorableSubject[] = [];
  readonly #indexOfSubject = new Map<string, number>();
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

  static of(rows: readonly StorableVital[]): StorableBatch {
    const batch = new StorableBatch(rows.length);
    for (const row of rows) batch.push(row.line, row.recordedAtMs, row, { id: row.subjectId, siteId: row.siteId });
    return batch;
  }

  get length(): number {
    return this.#length;
  }

  push(line: number, recordedAtMs: number, measures: VitalMeasures, subject: StorableSubject): void {
    const at = this.#length;
    if (at === this.capacity) throw new RangeError(`a batch of ${this.capacity} rows is full`);
    let subjectIndex = this.#indexOfSubject.get(subject.id);
    if (subjectIndex === undefined) {
      subjectIndex = this.#subjects.push(subject) - 1;
      this.#indexOfSubject.set(subject.id, subjectIndex);
    }
    this.#lines[at] = line;
    this.#recordedAtMs[at] = recordedAtMs;
    this.#subjectIndexes[at] = subjectIndex;
    this.#heartRate[at] = measures.heartRate ?? Number.NaN;
    this.#systolic[at] = measures.systolic ?? Number.NaN;
    this.#diastolic[at] = measures.diastolic ?? Number.NaN;
    this.#temperature[at] = measures.temperature ?? Number.NaN;
    this.#respiratoryRate[at] = measures.respiratoryRate ?? Number.NaN;
    this.#spo2[at] = measures.spo2 ?? Number.NaN;
    this.#length = at + 1;
    this.#rows = undefined;
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
    // Every index below #length was written by push: the fallbacks only satisfy the type checker.
    for (let at = 0; at < this.#length; at++) {
      const subject = this.#subjects[this.#subjectIndexes[at] ?? -1];
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
