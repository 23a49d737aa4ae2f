export {
  BadUserInputError,
  ConflictError,
  ErrorCode,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from './errors.js';
export { decodeCursor, encodeCursor } from './cursor.js';
export { checkPageSize, toConnection, type Connection } from './connection.js';
export { isUuid, parseId } from './ids.js';
export { DateTime } from './date-time.js';
export { createErrorFormatter, isDependencyUnavailable, type ErrorFormatterOptions } from './format-error.js';
export { RowBudget } from './row-budget.js';
