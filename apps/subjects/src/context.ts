import type { CallerContext } from '@trialgraph/auth';
import type { SubjectsDatabase } from './db/client.js';
import type { SubjectsLoaders } from './loaders.js';
import type { SubjectNumberLock } from './subjects/subject-number-lock.js';

/** What every resolver of one request gets: the caller, and this subgraph's services. Built fresh per request, so loaders never leak between users. */
export interface SubjectsContext extends CallerContext {
  db: SubjectsDatabase;
  loaders: SubjectsLoaders;
  numberLock: SubjectNumberLock;
}
