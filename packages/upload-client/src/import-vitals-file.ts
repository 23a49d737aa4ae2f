import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { ImportOptionsInput, ImportVitalsMutation, ImportVitalsMutationVariables } from './__generated__/operations-types.js';
import { multipartUploadBody } from './multipart-body.js';
import { IMPORT_VITALS_MUTATION } from './operations.js';

export type { ImportOptionsInput };

/** One row error of an import, as the operations of this client select it. */
export type ImportRowErrorResult = ImportVitalsMutation['importVitals']['errors']['edges'][number]['node'];

/** The import as IMPORT_VITALS_MUTATION selects it, its first page of row errors a plain list. */
export type ImportVitalsReport = Omit<ImportVitalsMutation['importVitals'], 'errors'> & { errors: ImportRowErrorResult[] };

export interface ImportVitalsResult {
  status: number;
  data?: { importVitals: ImportVitalsReport } | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * Sends a CSV file (a path or any byte stream) to importVitals as a streamed multipart request,
 * as the CLI and partners do. `onBytesSent` reports upload progress.
 */
export async function importVitalsFile(options: {
  url: string;
  studyId: string;
  file: string | AsyncIterable<Uint8Array>;
  fileName?: string;
  importOptions?: ImportOptionsInput;
  token?: string;
  /** The id the import will have (a random UUID), so its progress can be read while it runs. */
  importId?: string;
  /** The file's size in bytes, shown by the import as bytesTotal. */
  fileSize?: number;
  onBytesSent?: (bytes: number) => void;
}): Promise<ImportVitalsResult> {
  const file = typeof options.file === 'string' ? createReadStream(options.file, { highWaterMark: 256 * 1024 }) : options.file;
  const fileName = options.fileName ?? (typeof options.file === 'string' ? basename(options.file) : 'upload.csv');
  let sent = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of file as AsyncIterable<Uint8Array>) {
      sent += chunk.length;
      options.onBytesSent?.(sent);
      yield chunk;
    }
  }
  const multipart = multipartUploadBody({
    query: IMPORT_VITALS_MUTATION,
    variables: {
      studyId: options.studyId,
      file: null,
      options: options.importOptions ?? null,
      importId: options.importId ?? null,
      fileSize: options.fileSize ?? null,
    } satisfies ImportVitalsMutationVariables,
    filePath: 'variables.file',
    fileName,
    file: counted(),
  });
  const response = await request(options.url, {
    method: 'POST',
    headers: {
      'content-type': multipart.contentType,
      'apollo-require-preflight': 'true',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: Readable.from(multipart.body),
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const text = await response.body.text();
  try {
    const answer = JSON.parse(text) as Omit<ImportVitalsResult, 'status' | 'data'> & { data?: ImportVitalsMutation | null };
    // The report's first page of row errors, as a plain list: what callers of this client read.
    const wire = answer.data?.importVitals;
    const data = answer.data === undefined ? undefined : wire ? { importVitals: { ...wire, errors: wire.errors.edges.map((edge) => edge.node) } } : null;
    return { status: response.statusCode, ...(answer.errors ? { errors: answer.errors } : {}), ...(data === undefined ? {} : { data }) };
  } catch {
    return { status: response.statusCode, errors: [{ message: `the server answered ${response.statusCode}: ${text.slice(0, 200)}` }] };
  }
}
