import type { Readable } from 'node:stream';
import { ImportFileError } from './import-file-error.js';

/**
 * Passes the upload through while counting its bytes, and stops it at the size limit
 * before more of it is read.
 */
export async function* countedUpload(stream: Readable, maxBytes: number, counter: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    counter.bytes += chunk.length;
    if (counter.bytes > maxBytes) {
      stream.destroy();
      throw new ImportFileError('FILE_TOO_LARGE', `the file is larger than the ${formatBytes(maxBytes)} limit; split it into smaller files`);
    }
    yield chunk;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
