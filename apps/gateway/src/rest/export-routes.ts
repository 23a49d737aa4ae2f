import { pipeline } from 'node:stream/promises';
import type { Identity } from '@trialgraph/auth';
import { BadUserInputError, ServiceUnavailableError } from '@trialgraph/graphql-kit';
import type { Logger } from '@trialgraph/observability';
import type { Express, Request } from 'express';
import { request as forward } from 'undici';
import { answerError } from './answer-error.js';

/** The vitals route every export is served from (apps/vitals/src/exports/export-route.ts). */
const VITALS_EXPORT_PATH = '/exports/vitals';

/** Headers of the vitals answer a client needs: what the file is, its name, and when to retry a refusal. */
const PASSED_HEADERS = ['content-type', 'content-disposition', 'cache-control', 'x-export-id', 'x-export-readings', 'retry-after'];

interface ExportRoute {
  path: string;
  format: 'CSV' | 'FHIR' | 'SDTM';
  /** The route parameter naming whose readings: a study's or one subject's. */
  owner: 'studyId' | 'subjectId';
}

/** The partner-facing export addresses (README "For partners"); each is one vitals export. */
export const EXPORT_ROUTES: readonly ExportRoute[] = [
  { path: '/api/v1/studies/:studyId/vitals.csv', format: 'CSV', owner: 'studyId' },
  { path: '/api/v1/subjects/:subjectId/vitals.csv', format: 'CSV', owner: 'subjectId' },
  { path: '/api/v1/studies/:studyId/vitals.ndjson', format: 'FHIR', owner: 'studyId' },
  { path: '/api/v1/subjects/:subjectId/vitals.ndjson', format: 'FHIR', owner: 'subjectId' },
  { path: '/api/v1/studies/:studyId/sdtm/vs.csv', format: 'SDTM', owner: 'studyId' },
  { path: '/api/v1/subjects/:subjectId/sdtm/vs.csv', format: 'SDTM', owner: 'subjectId' },
];

export interface ExportRoutesOptions {
  vitalsUrl: string;
  /** How long vitals may take to start answering, and to pause between two parts of the file (SUBGRAPH_TIMEOUT_MS). */
  subgraphTimeoutMs: number;
  /** Verifies the bearer token; a download link instead is verified by vitals, which sealed it. */
  identityOf: (req: Request) => Promise<Identity>;
  /** Spends one read of the caller's budget, or throws RATE_LIMITED. */
  spendRead: (identity: Identity) => Promise<void>;
  logger: Logger;
}

/**
 * GET exports stream from vitals through the gateway untouched: vitals checks the caller's right
 * and scope, counts the export against MAX_EXPORT_READINGS and audits it; the gateway verifies the
 * token first, spends a read of the caller's rate budget, and pipes the file through with
 * backpressure, bounded by SUBGRAPH_TIMEOUT_MS of silence from vitals.
 */
export function mountExportRoutes(app: Express, options: ExportRoutesOptions): void {
  const exportUrl = new URL(VITALS_EXPORT_PATH, options.vitalsUrl);
  for (const route of EXPORT_ROUTES) {
    app.get(route.path, async (req, res) => {
      const requestId = String((req as Request & { id?: unknown }).id);
      const abort = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) abort.abort(new Error('the client went away'));
      });
      try {
        const query = req.query as Record<string, unknown>;
        const link = typeof query.link === 'string' ? query.link : undefined;
        if (route.format === 'FHIR' && query.format !== 'fhir') {
          throw new BadUserInputError('NDJSON exports are FHIR R4 Observations: add ?format=fhir', { field: 'format' });
        }
        if (!link || req.headers.authorization) await options.spendRead(await options.identityOf(req));
        const params = new URLSearchParams({ [route.owner]: String(req.params[route.owner]), format: route.format });
        for (const name of ['from', 'to', 'link'] as const) if (typeof query[name] === 'string') params.set(name, query[name]);
        const upstream = await forward(`${exportUrl.href}?${params.toString()}`, {
          method: 'GET',
          headers: { 'x-request-id': requestId, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
          signal: abort.signal,
          headersTimeout: options.subgraphTimeoutMs,
          bodyTimeout: options.subgraphTimeoutMs,
        }).catch((error: unknown) => {
          throw new ServiceUnavailableError('the vitals service did not answer the export; retry in a moment', { dependency: 'vitals', cause: error });
        });
        res.status(upstream.statusCode);
        for (const name of PASSED_HEADERS) {
          const value = upstream.headers[name];
          if (value !== undefined) res.setHeader(name, value);
        }
        await pipeline(upstream.body, res);
      } catch (error) {
        if (res.headersSent) {
          options.logger.warn({ err: error, requestId }, 'export cut short');
          res.destroy();
          return;
        }
        answerError(res, error);
      }
    });
  }
}
