import type { Readable } from 'node:stream';
import { ImportFileError } from './import-file-error.js';

/**
 * Passes the upload through while counting its bytes, and stops it at the size limit
 * before more of it is read. A size the client declared must be met exactly: a file that
 * arrives shorter was cut off somewhere a well-formed multipart body does not show.
 */
export async function* countedUpload(
  stream: Readable,
  limits: { maxBytes: number; declaredBytes: number | null },
  counter: { bytes: number },
): AsyncGenerator<Buffer> {
  const { maxBytes, declaredBytes } = limits;
  const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (error) {
      // The client went away or the connection broke: a fault of this upload, not of the service.
      throw new ImportFileError(
        'UPLOAD_INCOMPLETE',
        `the upload stopped after ${formatBytes(counter.bytes)} (${error instanceof Error ? error.message : 'connection closed'}); nothing was stored: send the file again`,
      );
    }
    if (next.done) {
      if (declaredBytes !== null && counter.bytes < declaredBytes) throw sizeMismatch(counter.bytes, declaredBytes, 'only');
      return;
    }
    counter.bytes += next.value.length;
    if (counter.bytes > maxBytes) {
      stream.destroy();
      throw new ImportFileError('FILE_TOO_LARGE', `the file is larger than the ${formatBytes(maxBytes)} limit; split it into smaller files`);
    }
    if (declaredBytes !== null && counter.bytes > declaredBytes) {
      stream.destroy();
      throw sizeMismatch(counter.bytes, declaredBytes, 'at least');
    }
    yield next.value;
  }
}

function sizeMismatch(received: number, declared: number, qualifier: 'only' | 'at least'): ImportFileError {
  return new ImportFileError(
    'FILE_SIZE_MISMATCH',
    `the upload carried ${qualifier} ${received} bytes but fileSize declared ${declared}: the file was cut off or changed on its way, or fileSize is wrong; nothing was stored: send the file again with its size`,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
