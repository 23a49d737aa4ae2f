import { randomBytes } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { IMPORT_VITALS_MUTATION, type ImportOptionsInput } from '@trialgraph/upload-client';

export interface RawUploadAnswer {
  status: number;
  body: { data?: { importVitals?: Record<string, any> } | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

/**
 * An importVitals upload written by hand on a plain HTTP request, as a slow or hostile client
 * sends it: the multipart preamble (operations, map, the file part's headers) at once, then
 * whatever the test writes, when it writes it. Chunked, so the server never knows how much is
 * still to come.
 */
export class RawUpload {
  readonly answer: Promise<RawUploadAnswer>;
  readonly #request: ClientRequest;
  readonly #boundary = `----rawupload${randomBytes(8).toString('hex')}`;

  constructor(options: { url: string; token: string; studyId: string; fileName: string; importOptions?: ImportOptionsInput }) {
    this.#request = request(options.url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${this.#boundary}`,
        'apollo-require-preflight': 'true',
        authorization: `Bearer ${options.token}`,
      },
    });
    this.answer = new Promise((resolve, reject) => {
      this.#request.once('error', reject);
      this.#request.once('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.once('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as RawUploadAnswer['body'] });
          } catch (error) {
            reject(new Error(`the answer was not JSON (HTTP ${response.statusCode}): ${text.slice(0, 200)}`, { cause: error }));
          }
        });
        response.once('error', reject);
      });
    });
    // The test decides what happens to an unanswered upload; an early failure shows in `answer`.
    this.answer.catch(() => {});
    const operations = JSON.stringify({
      query: IMPORT_VITALS_MUTATION,
      variables: { studyId: options.studyId, file: null, options: options.importOptions ?? null },
    });
    this.#request.write(
      `--${this.#boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
        `--${this.#boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n` +
        `--${this.#boundary}\r\nContent-Disposition: form-data; name="0"; filename="${options.fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
    );
  }

  /** Sends part of the file; resolves once the bytes are handed to the socket. */
  send(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.#request.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Ends the file and the request, as a client that sent everything. */
  finish(): void {
    this.#request.end(`\r\n--${this.#boundary}--\r\n`);
  }

  /** Goes away without a word: the connection is closed under the server. */
  disconnect(): void {
    this.#request.destroy();
  }
}
