import { savepointCopyOf, type SavepointCopy } from '@trialgraph/database';
import type { VitalsDatabase } from '../db/client.js';
import { copyBinary, copyVitalsBatch } from './copy-batch.js';
import { countImportBatch } from './import-metrics.js';
import type { StorableBatch } from './storable-batch.js';
import {
  compareThenInsertVitalsBatch,
  encodeVitalsBatch,
  insertVitalsBatch,
  type BatchOutcome,
  type BatchTarget,
  type EncodedVitalsBatch,
} from './write-batch.js';

/** A batch as the writer took it from the parser, already in the form of the path it will likely take. */
export interface PreparedVitalsBatch {
  batch: StorableBatch;
  /** Its COPY data, when COPY is the likely path. */
  copyChunks: readonly Buffer[] | undefined;
  /** Its INSERT parameters, when INSERT or the comparison is. */
  encoded: EncodedVitalsBatch | undefined;
}

/** At most this many batches in a row without a repeat before COPY is tried again, however often it failed. */
const MAX_CLEAN_BATCHES_BEFORE_COPY = 64;

/** From this share of repeats in a batch on, the next is compared with what is stored before it is inserted. */
const MOSTLY_REPEATS = 0.5;

/**
 * Stores the batches of one import on its transaction, each the cheapest way that keeps the
 * exact accounting, judged by the batches before it:
 * - COPY in a savepoint (PostgreSQL only), near the speed of `psql \copy`, while the rows are
 *   new: a first import. COPY cannot skip a stored key, so when it meets one the savepoint
 *   undoes the batch and it is inserted instead;
 * - INSERT … ON CONFLICT DO NOTHING first (insertVitalsBatch), which tells each repeat apart,
 *   while the batches before had some repeats;
 * - the comparison with what is stored first (compareThenInsertVitalsBatch) while they were
 *   mostly repeats: a file sent again.
 * A refused COPY costs about half a stored one (PostgreSQL buffers up to 1,000 rows before it
 * checks the keys), so after one the writer tries COPY again only once `n` batches running had
 * no repeat, `n` doubling with each refusal and back to 1 after a COPY that succeeds. A re-sent
 * file thus costs one refused COPY more than inserting it, and scattered repeats a refused COPY
 * in ever fewer batches.
 */
export class VitalsBatchWriter {
  readonly #copy: SavepointCopy | undefined;
  #cleanBatchesNeeded = 1;
  /** Batches in a row that had no repeat since COPY was last refused; Infinity before it ever was. */
  #cleanBatches = Number.POSITIVE_INFINITY;
  #lastRepeatShare = 0;

  constructor(
    private readonly db: VitalsDatabase,
    private readonly target: BatchTarget,
  ) {
    this.#copy = savepointCopyOf(db);
  }

  get #nextPath(): 'copy' | 'insert' | 'compare' {
    if (this.#lastRepeatShare >= MOSTLY_REPEATS) return 'compare';
    return this.#copy !== undefined && this.#cleanBatches >= this.#cleanBatchesNeeded ? 'copy' : 'insert';
  }

  /**
   * Builds the batch's text for the path it will likely take now, while the write before runs:
   * a COPY then streams at the server's pace instead of waiting between its chunks for the
   * event loop, which parses the next batch meanwhile.
   */
  prepare(batch: StorableBatch): PreparedVitalsBatch {
    const copying = this.#nextPath === 'copy';
    return {
      batch,
      copyChunks: copying ? copyBinary(batch, this.target) : undefined,
      encoded: copying ? undefined : encodeVitalsBatch(batch.rows()),
    };
  }

  async write(prepared: PreparedVitalsBatch): Promise<BatchOutcome> {
    const { batch } = prepared;
    if (batch.length === 0) return { accepted: 0, duplicateLines: [], conflictLines: [] };
    const path = this.#nextPath;
    if (path === 'copy' && this.#copy) {
      if (await copyVitalsBatch(this.#copy, prepared.copyChunks ?? copyBinary(batch, this.target))) {
        countImportBatch('copy');
        this.#cleanBatchesNeeded = 1;
        return { accepted: batch.length, duplicateLines: [], conflictLines: [] };
      }
      countImportBatch('copy_refused');
      this.#cleanBatches = 0;
      this.#cleanBatchesNeeded = Math.min(this.#cleanBatchesNeeded * 2, MAX_CLEAN_BATCHES_BEFORE_COPY);
    }
    const encoded = prepared.encoded ?? encodeVitalsBatch(batch.rows());
    const outcome =
      path === 'compare' ? await compareThenInsertVitalsBatch(this.db, encoded, this.target) : await insertVitalsBatch(this.db, encoded, this.target);
    countImportBatch(path === 'compare' ? 'compare' : 'insert');
    const repeats = outcome.duplicateLines.length + outcome.conflictLines.length;
    this.#lastRepeatShare = repeats / batch.length;
    this.#cleanBatches = repeats === 0 ? this.#cleanBatches + 1 : 0;
    return outcome;
  }
}
