import type { Identity, RequestAccess } from '@trialgraph/auth';
import type { Logger } from '@trialgraph/observability';
import type { SubjectsDatabase } from './db/client.js';
import type { SubjectsLoaders } from './loaders.js';
import type { SubjectNumberLock } from './subjects/subject-number-lock.js';

/** What every resolver of one request gets. Built fresh per request, so loaders never leak between users. */
export interface SubjectsContext {
  db: SubjectsDatabase;
  loaders: SubjectsLoaders;
  /** Who is calling, from their verified token. */
  identity: Identity;
  /** What this caller may do, right by right, and where (ACCESS_POLICY); queries filter by it. */
  access: RequestAccess;
  /** Who is acting, as written to the audit trail: the token's subject. */
  actor: string;
  requestId: string;
  logger: Logger;
  numberLock: SubjectNumberLock;
}
