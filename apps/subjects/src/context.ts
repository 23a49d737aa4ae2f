import type { AccessScope, Identity } from '@trialgraph/auth';
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
  /** The studies and sites this caller may read; queries filter by it. */
  scope: AccessScope;
  /** Who is acting, as written to the audit trail: the token's subject. */
  actor: string;
  requestId: string;
  logger: Logger;
  numberLock: SubjectNumberLock;
}
