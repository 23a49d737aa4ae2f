import { randomUUID } from 'node:crypto';
import { close, createReadStream, createWriteStream, open } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';

const openFile = promisify(open);
const closeFile = promisify(close);

/**
 * The temporary file an upload is received into before it is stored. It is opened twice (to
 * write, to read back) and unlinked at once, so it has no name: the open descriptors keep its
 * bytes, and whatever way the import ends (even kill -9), nothing is left on disk once they
 * close. Each descriptor is closed exactly once: by the stream it is handed to (on end or
 * destroy, after any read or write in progress), or by `close` if no stream took it. Where a
 * file system refuses to unlink an open file (Windows), it keeps its name until `close`.
 */
export class UploadSpool {
  #writeFd: number | undefined;
  #readFd: number | undefined;
  #closed = false;

  private constructor(
    writeFd: number,
    readFd: number,
    private readonly path: string,
    private readonly unlinked: boolean,
  ) {
    this.#writeFd = writeFd;
    this.#readFd = readFd;
  }

  static async create(directory: string): Promise<UploadSpool> {
    const path = join(directory, `trialgraph-vitals-upload-${randomUUID()}.csv`);
    const writeFd = await openFile(path, 'wx', 0o600);
    let readFd: number;
    try {
      readFd = await openFile(path, 'r');
    } catch (error) {
      await closeFile(writeFd).catch(() => {});
      await rm(path, { force: true });
      throw error;
    }
    const unlinked = await rm(path).then(
      () => true,
      () => false,
    );
    return new UploadSpool(writeFd, readFd, path, unlinked);
  }

  /** Fails at start, naming the directory, when uploads could not be received into it. */
  static async check(directory: string): Promise<void> {
    try {
      await (await UploadSpool.create(directory)).close();
    } catch (error) {
      throw new Error(`IMPORT_SPOOL_DIR ${directory} cannot hold uploads: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Where the upload is written; call once. */
  writer(): Writable {
    const fd = this.#take('writeFd');
    return createWriteStream(this.path, { fd, highWaterMark: 256 * 1024 });
  }

  /**
   * The received bytes from the start; call once. In 64 KiB chunks: each is parsed in one go
   * on the event loop that also feeds the import's COPY, which waits meanwhile.
   */
  reader(): Readable {
    const fd = this.#take('readFd');
    return createReadStream(this.path, { fd, start: 0, highWaterMark: 64 * 1024 });
  }

  /** Closes what no stream took, and deletes the file if it still has a name. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const fd of [this.#writeFd, this.#readFd]) if (fd !== undefined) await closeFile(fd).catch(() => {});
    this.#writeFd = undefined;
    this.#readFd = undefined;
    if (!this.unlinked) await rm(this.path, { force: true });
  }

  #take(which: 'writeFd' | 'readFd'): number {
    const fd = which === 'writeFd' ? this.#writeFd : this.#readFd;
    if (fd === undefined || this.#closed)
      throw new Error(`the upload spool's ${which === 'writeFd' ? 'writer' : 'reader'} was taken already or the spool is closed`);
    if (which === 'writeFd') this.#writeFd = undefined;
    else this.#readFd = undefined;
    return fd;
  }
}
