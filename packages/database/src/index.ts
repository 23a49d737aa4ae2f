export { openDatabase, type Database, type OpenDatabaseOptions, type OpenedDatabase } from './open-database.js';
export { databaseLimitsOf, DEFAULT_DATABASE_LIMITS, type DatabaseLimits } from './database-limits.js';
export { isUniqueViolation } from './postgres-errors.js';
export { savepointCopyOf, type SavepointCopy } from './savepoint-copy.js';
export { auditEventConnection, auditEvents, recordAuditEvents, type AuditEventRow, type NewAuditEvent } from './audit-events.js';
export { rowsOf } from './rows-of.js';
export { scopeCondition, uuidArray, whereIdIn, type ScopeAreas, type ScopeColumns } from './scope-condition.js';
