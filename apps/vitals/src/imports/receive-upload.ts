import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadUserInputError } from '@trialgraph/graphql-kit';
import type { FileUpload } from 'graphql-upload-minimal';
import { countedUpload, formatBytes } from './counted-upload.js';
import { ImportFileError } from './import-file-error.js';
import type { UploadSpool } from './upload-spool.js';

export interface UploadReceipt {
  stream: Readable;
  spool: UploadSpool;
  maxBytes: number;
  /** The size the client declared (importVitals fileSize): the upload must carry exactly that. */
  declaredBytes: number | null;
  /** An upload that sends no byte for this long is given up: UPLOAD_IDLE_TIMEOUT_MS. */
  idleTimeoutMs: number;
  /** Stops the receipt (shutdown, client gone); the caller reads the reason from it. */
  signal: AbortSignal;
  onBytes: (bytesReceived: number) => void;
}

/** What was received: the file's size and its SHA-256 (hex), the provenance an import records. */
export interface ReceivedFile {
  byteCount: number;
  sha256: string;
}

/**
 * Receives the whole upload into the spool at the client's pace, holding nothing of the
 * database, and returns its size and hash, taken from the chunks as they pass (the file is
 * never read twice for it). Fails with FILE_TOO_LARGE past `maxBytes`, FILE_SIZE_MISMATCH when
 * it is not the size declared, UPLOAD_INCOMPLETE when the connection breaks and UPLOAD_STALLED
 * when no byte comes for `idleTimeoutMs`.
 */
export async function receiveUpload(receipt: UploadReceipt): Promise<ReceivedFile> {
  const counter = { bytes: 0 };
  const hash = createHash('sha256');
  // Set by the timer, which TypeScript does not follow: typed here so the check in catch stays.
  let stalled = false as boolean;
  // Restarted by every chunk that arrives.
  const idle = setTimeout(() => {
    stalled = true;
    receipt.stream.destroy(new Error('no byte arrived in time'));
  }, receipt.idleTimeoutMs);
  // A stalled client never sends its next chunk, so a stop must end the read itself.
  const stopReading = () => receipt.stream.destroy(new Error('import stopped'));
  receipt.signal.addEventListener('abort', stopReading, { once: true });
  try {
    if (receipt.signal.aborted) stopReading();
    await pipeline(
      countedUpload(receipt.stream, receipt, counter),
      async function* watched(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          idle.refresh();
          hash.update(chunk);
          receipt.onBytes(counter.bytes);
          yield chunk;
        }
      },
      receipt.spool.writer(),
    );
    return { byteCount: counter.bytes, sha256: hash.digest('hex') };
  } catch (error) {
    if (stalled) {
      throw new ImportFileError(
        'UPLOAD_STALLED',
        `no byte of the upload arrived for ${formatSeconds(receipt.idleTimeoutMs)} after ${formatBytes(counter.bytes)} (UPLOAD_IDLE_TIMEOUT_MS); nothing was stored: check the connection and send the file again`,
      );
    }
    throw error;
  } finally {
    clearTimeout(idle);
    receipt.signal.removeEventListener('abort', stopReading);
  }
}

/**
 * The upload's file part, which follows the operations and map parts: a client that stops
 * before it has sent it gets the same idle limit as one that stops inside the file.
 */
export async function filePartWithin(file: Promise<FileUpload>, idleTimeoutMs: number): Promise<FileUpload> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BadUserInputError(
            `the file part of the upload did not start within ${idleTimeoutMs} ms (UPLOAD_IDLE_TIMEOUT_MS); send the whole request without pausing`,
            {
              field: 'file',
            },
          ),
        ),
      idleTimeoutMs,
    );
  });
  try {
    return await Promise.race([
      file.catch((error: unknown) => {
        throw new BadUserInputError('file is missing or unreadable: send it as a multipart upload', { field: 'file', cause: error });
      }),
      stalled,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
