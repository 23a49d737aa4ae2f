import { Readable } from 'node:stream';
import { BadUserInputError, isUuid, ServiceUnavailableError } from '@trialgraph/graphql-kit';
import { IMPORT_VITALS_MUTATION, multipartUploadBody, type ImportOptionsInput } from '@trialgraph/upload-client';
import type { Express, Request } from 'express';
import { request as forward } from 'undici';
import { answerError } from './answer-error.js';

/**
 * POST /api/v1/studies/:studyId/vitals/imports with the CSV file as the body (Content-Type
 * text/csv, `curl --data-binary @file.csv`), options as query parameters. The body is wrapped,
 * as it streams, into the GraphQL multipart request of importVitals and sent to this gateway's own
 * upload route: the same token check, import slot, size limit and streaming to vitals as a
 * multipart upload, and the same flat memory. The answer is the import report as JSON.
 */
export function mountRawCsvImport(app: Express, options: { selfUrl: () => string; responseTimeoutMs: number }): void {
  app.post('/api/v1/studies/:studyId/vitals/imports', async (req, res) => {
    try {
      if (!req.is('text/csv') && !req.is('text/plain')) {
        throw new BadUserInputError('send the CSV file as the body with Content-Type: text/csv (or a GraphQL multipart request to /graphql)', {
          extensions: { http: { status: 415 } },
        });
      }
      const studyId = req.params.studyId;
      if (!isUuid(studyId)) throw new BadUserInputError(`the study id must be a UUID, got ${JSON.stringify(studyId)}`, { field: 'studyId' });
      const importOptions = importOptionsOf(req);
      const fileName = typeof req.query.fileName === 'string' && req.query.fileName ? req.query.fileName : 'upload.csv';
      const multipart = multipartUploadBody({
        query: IMPORT_VITALS_MUTATION,
        variables: { studyId, file: null, options: importOptions },
        filePath: 'variables.file',
        fileName,
        file: req as AsyncIterable<Uint8Array>,
      });
      const upstream = await forward(new URL('/graphql', options.selfUrl()), {
        method: 'POST',
        headers: {
          'content-type': multipart.contentType,
          'apollo-require-preflight': 'true',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          'x-request-id': String((req as Request & { id?: unknown }).id),
        },
        body: Readable.from(multipart.body),
        headersTimeout: options.responseTimeoutMs,
        bodyTimeout: options.responseTimeoutMs,
      }).catch((error: unknown) => {
        throw new ServiceUnavailableError('the import could not be sent on; retry in a moment', { dependency: 'gateway', cause: error });
      });
      const answer = (await upstream.body.json()) as {
        data?: { importVitals?: unknown } | null;
        errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
      };
      const [error] = answer.errors ?? [];
      if (error) {
        const retryAfter = upstream.headers['retry-after'];
        const http = upstream.statusCode >= 400 ? { http: { status: upstream.statusCode } } : {};
        answerError(res, {
          message: error.message,
          extensions: { ...error.extensions, ...http, ...(retryAfter ? { retryAfterSeconds: Number(retryAfter) } : {}) },
        });
        return;
      }
      res.status(200).json(answer.data?.importVitals);
    } catch (error) {
      answerError(res, error);
    }
  });
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
