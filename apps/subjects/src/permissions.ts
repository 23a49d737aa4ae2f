import { policyShield } from '@trialgraph/auth';
import type { GraphQLSchema } from 'graphql';
import type { SiteRow, StudyRow, SubjectRow } from './db/schema.js';

/**
 * Who may call and read what in this subgraph: the rules come from ACCESS_POLICY in
 * @trialgraph/auth; this file only says where each kind of row lies, so a field of a subject
 * is shown only to a caller whose right covers that subject's site.
 */
export function subjectsPermissions(schema: GraphQLSchema) {
  return policyShield(schema, {
    Subject: (row) => ({ studyId: (row as SubjectRow).studyId, siteId: (row as SubjectRow).siteId }),
    Study: (row) => ({ studyId: (row as StudyRow).id }),
    Site: (row) => ({ studyId: (row as SiteRow).studyId }),
  });
}
