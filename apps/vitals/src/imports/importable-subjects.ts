import { inScope } from '@trialgraph/auth';
import type { VitalsContext } from '../context.js';
import type { SubjectsClient } from '../subjects-client.js';

/**
 * The subjects an import may store rows for: those the subjects subgraph lets the caller look
 * up, narrowed to where the caller holds the importVitals right. A token whose other role
 * looks up the whole study (MONITOR, say) still imports only for its own sites; rows of the
 * others read as UNKNOWN_SUBJECT, like subjects that do not exist.
 */
export function importableSubjects(context: VitalsContext): SubjectsClient {
  const scope = context.access.scope('importVitals');
  return {
    findStudy: (studyId) => context.subjects.findStudy(studyId),
    findSubject: async (subjectId) => {
      const subject = await context.subjects.findSubject(subjectId);
      return subject && inScope(scope, subject) ? subject : null;
    },
    findSubjectsByNumbers: async (studyId, subjectNumbers) =>
      (await context.subjects.findSubjectsByNumbers(studyId, subjectNumbers)).filter((subject) => inScope(scope, subject)),
  };
}
