import { ACCESS_POLICY, studyInScope, type RequestAccess } from '@trialgraph/auth';
import { BadUserInputError, ForbiddenError, NotFoundError, isUuid, REFINED_STATUS } from '@trialgraph/graphql-kit';
import type { VitalsDatabase } from '../db/client.js';
import type { SubjectsClient } from '../subjects-client.js';
import { EXPORT_FORMATS, type ExportFormat } from './export-formats.js';
import type { ExportRequest } from './export-link.js';
import { countExportReadings, type ExportSelection } from './export-store.js';

/** An export checked and ready to stream: what it selects, for which study, and how many readings it holds. */
export interface PreparedExport {
  selection: ExportSelection;
  study: { id: string; code: string };
  subjectNumber: string | undefined;
  readings: number;
}

/** Export parameters as sent (query string or GraphQL arguments), checked: ids, format, and the window. */
export function parseExportRequest(input: Record<string, unknown>): ExportRequest {
  const text = (name: string): string | undefined => {
    const value = input[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new BadUserInputError(`${name} must be given once, as text`, { field: name });
    return value;
  };
  const studyId = text('studyId');
  const subjectId = text('subjectId');
  if (studyId === undefined && subjectId === undefined) throw new BadUserInputError('give the studyId to export, or the subjectId', { field: 'studyId' });
  if (studyId !== undefined && !isUuid(studyId))
    throw new BadUserInputError(`studyId must be a study id (a UUID), got ${JSON.stringify(studyId)}`, { field: 'studyId' });
  if (subjectId !== undefined && !isUuid(subjectId))
    throw new BadUserInputError(`subjectId must be a subject id (a UUID), got ${JSON.stringify(subjectId)}`, { field: 'subjectId' });
  const format = (text('format') ?? 'CSV').toUpperCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new BadUserInputError(`format must be one of ${EXPORT_FORMATS.join(', ')} (any case), got ${JSON.stringify(format)}`, { field: 'format' });
  }
  const instant = (name: 'from' | 'to') => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed.getTime())) {
      throw new BadUserInputError(`${name} must be an ISO 8601 date or time, e.g. 2026-03-01T00:00:00Z, got ${JSON.stringify(value)}`, { field: name });
    }
    return parsed.toISOString();
  };
  const from = instant('from');
  const to = instant('to');
  if (from && to && from > to) throw new BadUserInputError(`from (${from}) must not be after to (${to})`, { field: 'from' });
  return { studyId: studyId?.toLowerCase(), subjectId: subjectId?.toLowerCase(), format: format as ExportFormat, from, to };
}

/**
 * Checks an export as its caller asked it, before a byte is sent: the right to export, the study
 * (and subject) within the caller's export scope (outside it they read as NOT_FOUND, like an id
 * that does not exist), and its size against MAX_EXPORT_READINGS.
 */
export async function prepareExport(options: {
  db: VitalsDatabase;
  access: RequestAccess;
  subjects: SubjectsClient;
  request: ExportRequest;
  maxReadings: number;
}): Promise<PreparedExport> {
  const { access, request } = options;
  if (!access.holds('exportVitals')) throw new ForbiddenError(ACCESS_POLICY.exportVitals.refusal);
  const scope = access.scope('exportVitals');
  let studyId = request.studyId;
  let subjectNumber: string | undefined;
  if (request.subjectId) {
    const subject = await options.subjects.findSubject(request.subjectId);
    if (!subject || (studyId !== undefined && subject.studyId !== studyId) || !access.allows('exportVitals', subject)) {
      throw new NotFoundError(`no subject ${request.subjectId} you may export${studyId ? ` in study ${studyId}` : ''}`);
    }
    studyId = subject.studyId;
    subjectNumber = subject.subjectNumber;
  }
  const notFound = () => new NotFoundError(`no study ${studyId} you may export from`);
  if (studyId === undefined || !studyInScope(scope, studyId)) throw notFound();
  const study = await options.subjects.findStudy(studyId);
  if (!study) throw notFound();
  const selection: ExportSelection = {
    studyId,
    subjectId: request.subjectId,
    from: request.from ? new Date(request.from) : undefined,
    to: request.to ? new Date(request.to) : undefined,
    scope,
  };
  const readings = await countExportReadings(options.db, selection);
  if (readings > options.maxReadings) {
    throw new BadUserInputError(
      `this export holds ${readings} readings, more than the ${options.maxReadings} one export may hold (MAX_EXPORT_READINGS); narrow it with from and to, or export subject by subject`,
      { extensions: { limit: 'MAX_EXPORT_READINGS' }, httpStatus: REFINED_STATUS.PAYLOAD_TOO_LARGE },
    );
  }
  return { selection, study, subjectNumber, readings };
}
