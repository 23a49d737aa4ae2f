import { isUniqueViolation } from '@trialgraph/database';
import { ConflictError, NotFoundError, parseId } from '@trialgraph/graphql-kit';
import type { CreateStudyInput } from '../__generated__/resolvers-types.js';
import { recordAuditEvents } from '../audit/store.js';
import type { SubjectsContext } from '../context.js';
import type { StudyRow } from '../db/schema.js';
import { insertStudyWithSites } from './store.js';
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

export async function getStudy(context: SubjectsContext, id: string): Promise<StudyRow | null> {
  return (await context.loaders.studyById.load(parseId(id, 'id'))) ?? null;
}

export async function requireStudy(context: SubjectsContext, studyId: string): Promise<StudyRow> {
  const study = await context.loaders.studyById.load(parseId(studyId, 'studyId'));
  if (!study) throw new NotFoundError(`No study with id ${studyId}`);
  return study;
}
