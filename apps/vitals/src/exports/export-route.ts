import { randomUUID } from 'node:crypto';
import { authenticateCaller, type TokenVerifier } from '@trialgraph/auth';
import { recordAuditEvents } from '@trialgraph/database';
import { BadUserInputError, createErrorFormatter, httpAnswerOfError, UnauthenticatedError } from '@trialgraph/graphql-kit';
import type { Logger } from '@trialgraph/observability';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { VitalsDatabase } from '../db/client.js';
import { createSubjectsClient, type SubjectsCallPolicy } from '../subjects-client.js';
import { EXPORT_FORMAT_SPECS } from './export-formats.js';
import { ExportLinkError, type ExportLinks, type ExportRequest } from './export-link.js';
import { parseExportRequest, prepareExport, type PreparedExport } from './prepare-export.js';
import { streamExport } from './stream-export.js';

/** The export limits of this process (MAX_EXPORT_READINGS, EXPORT_IDLE_TIMEOUT_MS, EXPORT_LINK_TTL_MS). */
export interface ExportSettings {
  maxReadings: number;
  idleTimeoutMs: number;
  linkTtlMs: number;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = { maxReadings: 10_000_000, idleTimeoutMs: 30_000, linkTtlMs: 5 * 60_000 };

/** Where the vitals process serves exports; the gateway maps its /api/v1 export routes here. */
export const VITALS_EXPORT_PATH = '/exports/vitals';

/**
 * GET /exports/vitals?studyId=…[&subjectId=…][&format=csv|fhir|sdtm][&from=…][&to=…] with the
 * caller's bearer token, or ?link=… (a link from the GraphQL field vitalsExport). Checks
 * everything before the first byte, so a refusal is a status and a JSON error; writes who
 * exported what to the audit trail when it starts, and how it ended; then streams.
 */
export function createVitalsExportRoute(options: {
  db: VitalsDatabase;
  verifyToken: TokenVerifier;
  links: ExportLinks | undefined;
  subjectsUrl: string;
  subjectsCallPolicy: SubjectsCallPolicy;
  settings: ExportSettings;
  logger: Logger;
  production: boolean;
}): RequestHandler {
  const formatError = createErrorFormatter({
    production: options.production,
    logUnexpected: (error) => options.logger.error({ err: error }, 'unexpected error in an export'),
  });
  return async (req, res) => {
    const requestId = String((req as { id?: unknown }).id);
    const clientGone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) clientGone.abort(new Error('the client went away'));
    });
    let prepared: PreparedExport;
    let exportRequest: ExportRequest;
    let actor: string;
    let subjects: ReturnType<typeof createSubjectsClient>;
    let what: Record<string, string | null>;
    const exportId = randomUUID();
    try {
      const asked = askedExport(req.query, req.headers.authorization, options.links);
      exportRequest = asked.request;
      const caller = await authenticateCaller(options.verifyToken, asked.authorization, { requestId, logger: options.logger });
      actor = caller.actor;
      subjects = createSubjectsClient({ url: options.subjectsUrl, authorization: asked.authorization, requestId, policy: options.subjectsCallPolicy });
      prepared = await prepareExport({
        db: options.db,
        access: caller.access,
        subjects,
        request: exportRequest,
        maxReadings: options.settings.maxReadings,
      });
      what = {
        format: exportRequest.format,
        studyId: prepared.study.id,
        subjectId: exportRequest.subjectId ?? null,
        from: exportRequest.from ?? null,
        to: exportRequest.to ?? null,
      };
      // Who exported what is on record before a byte leaves, or nothing leaves.
      await recordAuditEvents(options.db, [
        {
          actor,
          action: 'EXPORT_STARTED',
          // Against the study whose readings leave, so exportAuditTrail(studyId) finds it by index.
          entityType: 'Study',
          entityId: prepared.study.id,
          field: 'readings',
          newValue: JSON.stringify({ exportId, ...what, readings: prepared.readings }),
        },
      ]);
    } catch (error) {
      const status = (error as { extensions?: { http?: { status?: number } } }).extensions?.http?.status;
      const formatted = formatError({ message: (error as Error).message, extensions: error instanceof GraphQLError ? error.extensions : {} }, error);
      const answer = httpAnswerOfError({
        message: formatted.message,
        extensions: { ...formatted.extensions, requestId, ...(status ? { http: { status } } : {}) },
      });
      res.status(answer.status).set(answer.headers).json(answer.body);
      return;
    }

    const spec = EXPORT_FORMAT_SPECS[exportRequest.format];
    const name = [prepared.study.code, prepared.subjectNumber, exportRequest.format === 'SDTM' ? 'vs' : 'vitals'].filter(Boolean).join('-');
    res.status(200).set({
      'content-type': spec.contentType,
      'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.${spec.fileExtension}"`,
      'cache-control': 'no-store',
      'x-export-id': exportId,
      'x-export-readings': String(prepared.readings),
    });
    let written = 0;
    let failure: string | null = null;
    try {
      written = await streamExport({
        db: options.db,
        subjects,
        selection: prepared.selection,
        writer: spec.createWriter(prepared.study),
        out: res,
        idleTimeoutMs: options.settings.idleTimeoutMs,
        signal: clientGone.signal,
      });
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      options.logger.warn({ err: error, requestId, exportId }, 'export ended early');
      // The status is out: only a cut connection tells the client the file is incomplete.
      res.destroy();
    }
    // How it ended is on record before the client sees the end of the file.
    await recordAuditEvents(options.db, [
      {
        actor,
        action: 'EXPORT_FINISHED',
        entityType: 'Study',
        entityId: prepared.study.id,
        field: 'readings',
        newValue: JSON.stringify({ exportId, ...what, readings: written, complete: failure === null }),
        reason: failure,
      },
    ]).catch((error: unknown) => options.logger.error({ err: error, exportId }, 'could not record how an export ended'));
    if (failure === null) res.end();
  };
}

/** The export asked for: the sealed one of a link, or the query string's with the request's token. */
function askedExport(
  query: Record<string, unknown>,
  authorization: string | undefined,
  links: ExportLinks | undefined,
): { request: ExportRequest; authorization: string | undefined } {
  if (query.link === undefined) return { request: parseExportRequest(query), authorization };
  if (typeof query.link !== 'string') throw new BadUserInputError('link must be given once', { field: 'link' });
  if (!links) throw new UnauthenticatedError('download links are not enabled on this server (EXPORT_LINK_SECRET); send a bearer token instead');
  try {
    const sealed = links.open(query.link);
    return { request: sealed.request, authorization: sealed.authorization };
  } catch (error) {
    if (error instanceof ExportLinkError) throw new UnauthenticatedError(error.message, { cause: error });
    throw error;
  }
}
