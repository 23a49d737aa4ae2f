import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { IMPORT_ERRORS_PAGE } from './fetch-import-errors.js';
import { multipartUploadBody } from './multipart-body.js';

export const IMPORT_VITALS_MUTATION = `mutation ImportVitals($studyId: ID!, $file: Upload!, $options: ImportOptions) {
  importVitals(studyId: $studyId, file: $file, options: $options) {
    id studyId fileName status onError dryRun rowsRead rowsAccepted rowsRejected rowsDuplicate bytesRead
    failureReason startedAt finishedAt durationMs
    errors(first: ${IMPORT_ERRORS_PAGE}) { line column value code message }
  }
}`;

export interface ImportOptionsInput {
  onError?: 'SKIP' | 'ABORT';
  dryRun?: boolean;
  timezone?: string;
  maxErrors?: number;
}

export interface ImportRowErrorResult {
  line: number;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

/** The import as IMPORT_VITALS_MUTATION selects it. */
export interface ImportVitalsReport {
  id: string;
  studyId: string;
  fileName: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'INTERRUPTED';
  onError: 'SKIP' | 'ABORT';
  dryRun: boolean;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsDuplicate: number;
  bytesRead: number;
  failureReason: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  errors: ImportRowErrorResult[];
}

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
    variables: { studyId: options.studyId, file: null, options: options.importOptions ?? null },
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
    return { status: response.statusCode, ...(JSON.parse(text) as Omit<ImportVitalsResult, 'status'>) };
  } catch {
    return { status: response.statusCode, errors: [{ message: `the server answered ${response.statusCode}: ${text.slice(0, 200)}` }] };
  }
}
