import { inScope, studyInScope, unionOf } from '@trialgraph/auth';
import { isUniqueViolation, recordAuditEvents } from '@trialgraph/database';
import {
  BadUserInputError,
  checkPageSize,
  ConflictError,
  decodeCursor,
  encodeCursor,
  ForbiddenError,
  isWholeNumberBetween,
  isUuid,
  NotFoundError,
  parseId,
  ServiceUnavailableError,
  toConnection,
  type Connection,
} from '@trialgraph/graphql-kit';
import type { CreateSubjectInput, QuerySubjectsArgs, UpdateSubjectInput } from '../__generated__/resolvers-types.js';
import type { SubjectsContext } from '../context.js';
import type { SiteRow, StudyRow, SubjectRow } from '../db/schema.js';
import { requireStudy } from '../studies/service.js';
import { canMove, describeAllowedMoves } from './status-lifecycle.js';
import {
  countSubjects,
  findSubjectByNumber,
  findSubjectsByNumbers,
  findSubjectForUpdate,
  findSubjectPage,
  insertSubject,
  nextSequence,
  updateSubjectRow,
} from './store.js';
import { formatSubjectNumber } from './subject-number.js';
import { testOnlyAllocationDelay } from './test-only-allocation-delay.js';
import { requireReason, validateAge, validateOptionalName, validateSubjectChanges, type SubjectChanges } from './validate-subject-input.js';

const MAX_PAGE_SIZE = 500;
/** A subject's place in its study: a PostgreSQL integer. */
const isSequence = isWholeNumberBetween(0, 2_147_483_647);
const CURSOR_KIND = 'subjects';
/** A retry only happens when the lock was lost and another instance took the same sequence. */
const ALLOCATION_ATTEMPTS = 5;

/**
 * A site of the study, or NOT_FOUND: a site of another study reads exactly like an id that
 * does not exist, so an answer never confirms that a site exists elsewhere.
 */
async function requireSiteOfStudy(context: SubjectsContext, study: StudyRow, siteId: string): Promise<SiteRow> {
  const site = await context.loaders.siteById.load(parseId(siteId, 'siteId'));
  if (!site || site.studyId !== study.id) throw new NotFoundError(`No site with id ${siteId} in study ${study.code}`);
  return site;
}

/**
 * Changes need the changeSubjects right at the subject's site: a site-scoped role changes
 * its own sites only, even when another role of the same token (MONITOR, say) lets it read
 * the whole study.
 */
function requireChangeAllowed(context: SubjectsContext, row: { studyId: string; siteId: string }): void {
  if (!context.access.allows('changeSubjects', row)) {
    throw new ForbiddenError('you may enrol and change subjects only at your own sites');
  }
}

/** A subject the caller may see, or NOT_FOUND: one outside their sites reads exactly like one that does not exist. */
export async function getSubject(context: SubjectsContext, id: string): Promise<SubjectRow> {
  const subject = await context.loaders.subjectById.load(parseId(id, 'id'));
  if (!subject || !inScope(context.access.scope('readSubjects'), subject)) throw new NotFoundError(`No subject with id ${id}`);
  return subject;
}

export async function getSubjectByNumber(context: SubjectsContext, studyId: string, subjectNumber: string): Promise<SubjectRow> {
  const scope = context.access.scope('readSubjects');
  const subject = await findSubjectByNumber(context.db, parseId(studyId, 'studyId'), subjectNumber.trim().toUpperCase(), scope);
  if (!subject || !inScope(scope, subject)) throw new NotFoundError(`No subject ${subjectNumber} in study ${studyId}`);
  return subject;
}

/**
 * For federation: the entity when any right to one of its fields covers it, else null (as
 * for an unknown id); each field then checks its own right against the row.
 */
export async function resolveSubjectReference(context: SubjectsContext, id: string): Promise<SubjectRow | null> {
  if (!isUuid(id)) return null;
  const subject = await context.loaders.subjectById.load(id.toLowerCase());
  const { access } = context;
  const scope = unionOf(access.scope('lookUpSubjects'), access.scope('readSubjects'), access.scope('readPersonalData'));
  return subject && inScope(scope, subject) ? subject : null;
}

const MAX_NUMBERS_PER_CALL = 5000;

export async function getSubjectsByNumbers(context: SubjectsContext, studyId: string, subjectNumbers: readonly string[]): Promise<SubjectRow[]> {
  if (subjectNumbers.length > MAX_NUMBERS_PER_CALL) {
    throw new BadUserInputError(`subjectNumbers takes at most ${MAX_NUMBERS_PER_CALL} numbers, got ${subjectNumbers.length}`, {
      field: 'subjectNumbers',
    });
  }
  const normalised = [...new Set(subjectNumbers.map((number) => number.trim().toUpperCase()))];
  const study = parseId(studyId, 'studyId');
  const scope = context.access.scope('lookUpSubjects');
  if (normalised.length === 0 || !studyInScope(scope, study)) return [];
  return findSubjectsByNumbers(context.db, study, normalised, scope);
}

export async function listSubjects(context: SubjectsContext, args: QuerySubjectsArgs): Promise<Connection<SubjectRow>> {
  const first = checkPageSize(args.first, 50, MAX_PAGE_SIZE);
  const study = await requireStudy(context, args.studyId);
  const site = args.siteId ? await requireSiteOfStudy(context, study, args.siteId) : undefined;
  const afterSequence = args.after ? decodeCursor(CURSOR_KIND, args.after, isSequence) : undefined;
  // The caller's scope narrows the filter in SQL, so the page and totalCount both count only what they may see.
  const filter = { studyId: study.id, scope: context.access.scope('readSubjects'), siteId: site?.id, status: args.status ?? undefined };
  const [rows, totalCount] = await Promise.all([findSubjectPage(context.db, filter, { afterSequence, limit: first + 1 }), countSubjects(context.db, filter)]);
  return toConnection({
    rows,
    first,
    totalCount,
    hasPreviousPage: afterSequence !== undefined,
    cursorOf: (row) => encodeCursor(CURSOR_KIND, row.sequence),
  });
}

export async function createSubject(context: SubjectsContext, input: CreateSubjectInput): Promise<SubjectRow> {
  const age = validateAge(input.age);
  const name = validateOptionalName(input.name);
  const study = await requireStudy(context, input.studyId);
  const site = await requireSiteOfStudy(context, study, input.siteId);
  requireChangeAllowed(context, { studyId: study.id, siteId: site.id });

  return context.numberLock.withLock(study.id, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await context.db.transaction(async (tx) => {
          const sequence = await nextSequence(tx, study.id);
          await testOnlyAllocationDelay(attempt);
          const subject = await insertSubject(tx, {
            studyId: study.id,
            siteId: site.id,
            sequence,
            subjectNumber: formatSubjectNumber(study.code, site.code, sequence),
            name,
            age,
            sex: input.sex,
          });
          const created: Record<string, string | number | null> = {
            subjectNumber: subject.subjectNumber,
            siteId: site.id,
            name,
            age,
            sex: input.sex,
            status: subject.status,
          };
          await recordAuditEvents(
            tx,
            Object.entries(created).map(([field, value]) => ({
              actor: context.actor,
              action: 'CREATE',
              entityType: 'Subject',
              entityId: subject.id,
              field,
              newValue: value === null ? null : String(value),
            })),
          );
          return subject;
        });
      } catch (error) {
        const sequenceTaken = isUniqueViolation(error, 'subjects_study_sequence_unique') || isUniqueViolation(error, 'subjects_study_number_unique');
        if (!sequenceTaken) throw error;
        if (attempt >= ALLOCATION_ATTEMPTS) {
          throw new ServiceUnavailableError(
            `other instances took the next subject number of ${study.code} ${ALLOCATION_ATTEMPTS} times in a row; no subject was created: retry in a moment`,
            { cause: error },
          );
        }
        context.logger.warn({ studyId: study.id, attempt }, 'subject sequence taken by another instance; retrying');
      }
    }
  });
}

export async function updateSubject(
  context: SubjectsContext,
  args: { id: string; input: UpdateSubjectInput; expectedVersion: number; reason: string },
): Promise<SubjectRow> {
  const changes = validateSubjectChanges(args.input);
  return applySubjectChanges(context, {
    id: args.id,
    changes,
    expectedVersion: args.expectedVersion,
    reason: requireReason(args.reason),
    action: 'UPDATE',
  });
}

export async function withdrawSubject(context: SubjectsContext, args: { id: string; reason: string }): Promise<SubjectRow> {
  return applySubjectChanges(context, {
    id: args.id,
    changes: { status: 'WITHDRAWN' },
    expectedVersion: undefined,
    reason: requireReason(args.reason),
    action: 'WITHDRAW',
  });
}

/** Checks version and lifecycle on the locked row, then writes the change and its audit records together. */
async function applySubjectChanges(
  context: SubjectsContext,
  change: { id: string; changes: SubjectChanges; expectedVersion: number | undefined; reason: string; action: string },
): Promise<SubjectRow> {
  const id = parseId(change.id, 'id');
  return context.db.transaction(async (tx) => {
    const current = await findSubjectForUpdate(tx, id);
    if (!current || !inScope(context.access.scope('readSubjects'), current)) throw new NotFoundError(`No subject with id ${change.id}`);
    requireChangeAllowed(context, current);
    if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
      throw new ConflictError(
        `subject ${current.subjectNumber} is at version ${current.version}, not ${change.expectedVersion}: reload it and apply your change again`,
        { extensions: { currentVersion: current.version } },
      );
    }
    const { status } = change.changes;
    if (status !== undefined && status !== current.status && !canMove(current.status, status)) {
      throw new ConflictError(`subject ${current.subjectNumber} cannot move to ${status}: ${describeAllowedMoves(current.status)}`);
    }
    const changed = (Object.keys(change.changes) as Array<keyof SubjectChanges>).filter((field) => change.changes[field] !== current[field]);
    if (changed.length === 0) {
      throw new BadUserInputError(`the change leaves subject ${current.subjectNumber} as it is: nothing to record`, {
        field: 'input',
      });
    }
    const updated = await updateSubjectRow(tx, id, change.changes, current.version + 1);
    await recordAuditEvents(
      tx,
      changed.map((field) => ({
        actor: context.actor,
        action: change.action,
        entityType: 'Subject',
        entityId: id,
        field,
        oldValue: current[field] === null ? null : String(current[field]),
        newValue: updated[field] === null ? null : String(updated[field]),
        reason: change.reason,
      })),
    );
    return updated;
  });
}
