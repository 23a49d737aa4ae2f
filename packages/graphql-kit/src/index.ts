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
export { decodeCursor, encodeCursor, isWholeNumberBetween } from './cursor.js';
export { checkPageSize, toConnection, type Connection } from './connection.js';
export { isUuid, parseId } from './ids.js';
export { controlCharacterMiddleware, refuseControlCharacters } from './control-characters.js';
export { DateTime, EARLIEST_DATE_TIME_MS, LATEST_DATE_TIME_MS } from './date-time.js';
export { createErrorFormatter, isDependencyUnavailable, unavailableDependencyOf, type ErrorFormatterOptions } from './format-error.js';
export { RowBudget } from './row-budget.js';
export { NODE_TYPES, parseNodeId, toNodeId, type NodeType } from './global-id.js';

export { asRefinedStatus, HTTP_STATUS_OF_CODE, httpStatusOf, isErrorCode, REFINED_STATUS, statusAgreesWithCode, type RefinedStatus } from './error-codes.js';
export { httpAnswerOfError, type HttpAnswerOfError } from './http-status.js';
