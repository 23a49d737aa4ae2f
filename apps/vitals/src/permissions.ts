import { policyShield } from '@trialgraph/auth';
import type { GraphQLSchema } from 'graphql';
import type { VitalSignRow, VitalsImportRow } from './db/schema.js';

/**
 * Who may call and read what in this subgraph: the rules come from ACCESS_POLICY in
 * @trialgraph/auth; this file only says where each kind of row lies, so a reading or an
 * import report is shown only to a caller whose right covers that very row.
 */
export function vitalsPermissions(schema: GraphQLSchema) {
  return policyShield(schema, {
    VitalSign: (row) => ({ studyId: (row as VitalSignRow).studyId, siteId: (row as VitalSignRow).siteId }),
    VitalsImport: (row) => ({ studyId: (row as VitalsImportRow).studyId, sentBy: (row as VitalsImportRow).actor }),
  });
}
