import { httpAnswerOfError } from '@trialgraph/graphql-kit';
import type { Response } from 'express';

/** Answers an error of ours (a GraphQLError with extensions.code) as REST clients expect: its HTTP status, Retry-After, and the GraphQL error shape. */
export function answerError(res: Response, error: unknown): void {
  const answer = httpAnswerOfError({
    message: error instanceof Error ? error.message : String(error),
    extensions: (error as { extensions?: Record<string, unknown> }).extensions ?? {},
  });
  res.status(answer.status).set(answer.headers).json(answer.body);
}
