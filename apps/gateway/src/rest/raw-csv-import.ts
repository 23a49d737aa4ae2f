import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { BadUserInputError, isUuid, REFINED_STATUS, ServiceUnavailableError } from '@trialgraph/graphql-kit';
import type { Logger } from '@trialgraph/observability';
import { IMPORT_VITALS_MUTATION, multipartUploadBody, type ImportOptionsInput } from '@trialgraph/upload-client';
import type { Express, Request, Response } from 'express';
import { request as forward } from 'undici';
import { answerError } from './answer-error.js';
import { importRecorded } from './import-recorded.js';

export interface RawCsvImportOptions {
  selfUrl: () => string;
  /** How long vitals may take to answer an upload once it has the last byte (UPLOAD_RESPONSE_TIMEOUT_MS). */
  responseTimeoutMs: number;
  /** Where to ask whether an import is recorded yet, for `Prefer: respond-async`. */
  vitalsUrl: string;
  /** One such question to vitals (SUBGRAPH_TIMEOUT_MS). */
  subgraphTimeoutMs: number;
  logger: Logger;
}

/** importVitals' answer, as the gateway's upload route gave it. */
interface ImportAnswer {
  status: number;
  retryAfter: string | string[] | undefined;
  body: { data?: { importVitals?: unknown } | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/**
 * POST /api/v1/studies/:studyId/vitals/imports with the CSV file as the body (Content-Type
 * text/csv, `curl --data-binary @file.csv`), options as query parameters. The body is wrapped,
 * as it streams, into the GraphQL multipart request of importVitals and sent to this gateway's own
 * upload route: the same token check, import slot, size limit and streaming to vitals as a
 * multipart upload, and the same flat memory. The answer is the import report as JSON; with
 * `Prefer: respond-async`, 202 and the report's Location as soon as the file is received and the
 * import recorded, while vitals stores it.
 */
export function mountRawCsvImport(app: Express, options: RawCsvImportOptions): void {
  app.post('/api/v1/studies/:studyId/vitals/imports', async (req, res) => {
    try {
      if (!req.is('text/csv') && !req.is('text/plain')) {
        throw new BadUserInputError('send the CSV file as the body with Content-Type: text/csv (or a GraphQL multipart request to /graphql)', {
          httpStatus: REFINED_STATUS.UNSUPPORTED_MEDIA_TYPE,
        });
      }
      const studyId = req.params.studyId;
      if (!isUuid(studyId)) throw new BadUserInputError(`the study id must be a UUID, got ${JSON.stringify(studyId)}`, { field: 'studyId' });
      const importOptions = importOptionsOf(req);
      const fileName = typeof req.query.fileName === 'string' && req.query.fileName ? req.query.fileName : 'upload.csv';
      // Asynchronously, the gateway chooses the import's id, so it can say where the report will be before it exists.
      const importId = prefersRespondAsync(req.headers.prefer) ? randomUUID() : undefined;
      let bodyReceived = () => {};
      const received = new Promise<void>((resolve) => (bodyReceived = resolve));
      const answer = sendImport(req, options, {
        variables: { studyId, file: null, options: importOptions, ...(importId ? { importId } : {}) },
        fileName,
        file: wholeBodyThen(req, bodyReceived),
      });
      if (!importId) {
        answerReport(res, await answer);
        return;
      }
      await answerWhenAccepted(req, res, options, { importId, answer, received });
    } catch (error) {
      answerError(res, error);
    }
  });
}

/**
 * 202 once the whole file has been received (so no client stops sending on an early answer) and
 * vitals has recorded the import (so the Location answers at once); the report itself, from
 * GET /api/v1/imports/{id}, is RUNNING until vitals has stored the file. A refusal that comes
 * first (a token, a role, a rate or size limit, an unknown study) keeps its status, as without
 * the preference.
 */
async function answerWhenAccepted(
  req: Request,
  res: Response,
  options: RawCsvImportOptions,
  run: { importId: string; answer: Promise<ImportAnswer>; received: Promise<void> },
): Promise<void> {
  const stopAsking = new AbortController();
  const recorded = run.received.then(() =>
    importRecorded({
      vitalsUrl: options.vitalsUrl,
      importId: run.importId,
      authorization: req.headers.authorization,
      requestId: requestIdOf(req),
      timeoutMs: options.subgraphTimeoutMs,
      signal: stopAsking.signal,
    }),
  );
  const first = await Promise.race([run.answer, recorded.then(() => undefined)]).finally(() => stopAsking.abort());
  if (first?.body.errors?.length) {
    answerReport(res, first);
    return;
  }
  if (!first) {
    // The client has its 202; the import's own answer, when vitals has stored the file, is only logged.
    run.answer.then(
      (late) => {
        if (late.body.errors?.length)
          options.logger.warn({ importId: run.importId, errors: late.body.errors }, 'an import answered after 202 ended with an error');
      },
      (error: unknown) => options.logger.warn({ err: error, importId: run.importId }, 'an import answered after 202 could not be followed to its end'),
    );
  }
  res
    .status(202)
    .set({ location: `/api/v1/imports/${run.importId}`, 'preference-applied': 'respond-async' })
    .json({ id: run.importId });
}

/** Sends the file on, as importVitals' multipart request, through this gateway's own upload route. */
async function sendImport(
  req: Request,
  options: RawCsvImportOptions,
  upload: { variables: Record<string, unknown>; fileName: string; file: AsyncIterable<Uint8Array> },
): Promise<ImportAnswer> {
  const multipart = multipartUploadBody({ query: IMPORT_VITALS_MUTATION, filePath: 'variables.file', ...upload });
  const upstream = await forward(new URL('/graphql', options.selfUrl()), {
    method: 'POST',
    headers: {
      'content-type': multipart.contentType,
      'apollo-require-preflight': 'true',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      'x-request-id': requestIdOf(req),
    },
    body: Readable.from(multipart.body),
    headersTimeout: options.responseTimeoutMs,
    bodyTimeout: options.responseTimeoutMs,
  }).catch((error: unknown) => {
    throw new ServiceUnavailableError('the import could not be sent on; retry in a moment', { dependency: 'gateway', cause: error });
  });
  return { status: upstream.statusCode, retryAfter: upstream.headers['retry-after'], body: (await upstream.body.json()) as ImportAnswer['body'] };
}

function answerReport(res: Response, answer: ImportAnswer): void {
  const [error] = answer.body.errors ?? [];
  if (error) {
    const http = answer.status >= 400 ? { http: { status: answer.status } } : {};
    answerError(res, {
      message: error.message,
      extensions: { ...error.extensions, ...http, ...(answer.retryAfter ? { retryAfterSeconds: Number(answer.retryAfter) } : {}) },
    });
    return;
  }
  res.status(200).json(answer.body.data?.importVitals);
}

/** The request body, then a call once its last byte is read. */
async function* wholeBodyThen(req: Request, onEnd: () => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of req as AsyncIterable<Uint8Array>) yield chunk;
  onEnd();
}

/** Whether a Prefer header (RFC 7240) asks for respond-async: `Prefer: respond-async, wait=10`. */
export function prefersRespondAsync(prefer: string | string[] | undefined): boolean {
  return [prefer ?? []]
    .flat()
    .join(',')
    .split(',')
    .some((preference) => preference.split(';')[0]?.split('=')[0]?.trim().toLowerCase() === 'respond-async');
}

function requestIdOf(req: Request): string {
  // pino-http, mounted before every route, has assigned the id (taken from the caller or new).
  return String((req as Request & { id?: unknown }).id);
}

function importOptionsOf(req: Request): ImportOptionsInput {
  const query = req.query as Record<string, unknown>;
  const options: ImportOptionsInput = {};
  if (typeof query.onError === 'string') options.onError = query.onError.toUpperCase() as 'SKIP' | 'ABORT';
  if (typeof query.dryRun === 'string') options.dryRun = query.dryRun === 'true';
  if (typeof query.timezone === 'string') options.timezone = query.timezone;
  if (typeof query.maxErrors === 'string') options.maxErrors = Number(query.maxErrors);
  return options;
}
