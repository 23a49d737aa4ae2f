import { httpAnswerOfError } from '@trialgraph/graphql-kit';
import type { Response } from 'express';

/**
 * Answers an error of ours (a GraphQLError with extensions.code) as REST clients expect: its HTTP
 * status, Retry-After, and the GraphQL error shape, with the request id of x-request-id, so a
 * partner can quote it as GraphQL clients do.
 */
export function answerError(res: Response, error: unknown): void {
  const requestId = (res.req as { id?: unknown }).id;
  const answer = httpAnswerOfError({
    message: error instanceof Error ? error.message : String(error),
    extensions: { ...(error as { extensions?: Record<string, unknown> }).extensions, ...(typeof requestId === 'string' ? { requestId } : {}) },
  });
  res.status(answer.status).set(answer.headers).json(answer.body);
}
