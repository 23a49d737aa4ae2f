import { isUniqueViolation, recordAuditEvents } from '@trialgraph/database';
import { studyInScope } from '@trialgraph/auth';
import { checkPageSize, ConflictError, isUuid, NotFoundError, parseId } from '@trialgraph/graphql-kit';
import type { CreateStudyInput } from '../__generated__/resolvers-types.js';
import type { SubjectsContext } from '../context.js';
import type { StudyRow } from '../db/schema.js';
import { insertStudyWithSites, listStudies } from './store.js';
import { validateCreateStudyInput } from './validate-study-input.js';

export async function createStudy(context: SubjectsContext, input: CreateStudyInput): Promise<StudyRow> {
  const valid = validateCreateStudyInput(input);
  try {
    return await context.db.transaction(async (tx) => {
      const created = await insertStudyWithSites(tx, valid);
      await recordAuditEvents(tx, [
        {
          actor: context.actor,
          action: 'CREATE',
          entityType: 'Study',
          entityId: created.study.id,
          newValue: JSON.stringify({ code: valid.code, name: valid.name, sites: valid.sites.map((site) => site.code) }),
        },
      ]);
      return created.study;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'studies_code_unique')) {
      throw new ConflictError(`a study with code ${valid.code} already exists; choose another code`, { cause: error });
    }
    throw error;
  }
}

/** The studies the caller acts in (every study for ADMIN), a bounded page of them like every list. */
export function listVisibleStudies(context: SubjectsContext, first?: number | null): Promise<StudyRow[]> {
  return listStudies(context.db, context.access.scope('readStudies'), checkPageSize(first, 100, 500));
}

export function getStudy(context: SubjectsContext, id: string): Promise<StudyRow> {
  return requireStudy(context, id, 'id');
}

/** A study the caller acts in, or NOT_FOUND: other studies read exactly like unknown ones. */
export async function requireStudy(context: SubjectsContext, studyId: string, field = 'studyId'): Promise<StudyRow> {
  const study = await context.loaders.studyById.load(parseId(studyId, field));
  if (!study || !studyInScope(context.access.scope('readStudies'), study.id)) throw new NotFoundError(`No study with id ${studyId}`);
  return study;
}

export async function resolveStudyReference(context: SubjectsContext, id: string): Promise<StudyRow | null> {
  if (!isUuid(id)) return null;
  const study = await context.loaders.studyById.load(id.toLowerCase());
  return study && studyInScope(context.access.scope('readStudies'), study.id) ? study : null;
}
