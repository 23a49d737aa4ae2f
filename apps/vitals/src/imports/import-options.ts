import { BadUserInputError } from '@trialgraph/graphql-kit';
import type { ImportOptionsInput, OnError } from '../__generated__/resolvers-types.js';

export interface ValidImportOptions {
  onError: OnError;
  dryRun: boolean;
  timezone: string;
  maxErrors: number;
}

export const MAX_KEPT_ERRORS = 100_000;

export function validateImportOptions(options: ImportOptionsInput | null | undefined): ValidImportOptions {
  const timezone = options?.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new BadUserInputError(`timezone "${timezone}" is not an IANA time zone such as UTC or Europe/Paris`, {
      field: 'options.timezone',
    });
  }
  const maxErrors = options?.maxErrors ?? 1000;
  if (!Number.isInteger(maxErrors) || maxErrors < 0 || maxErrors > MAX_KEPT_ERRORS) {
    throw new BadUserInputError(`maxErrors must be between 0 and ${MAX_KEPT_ERRORS}, got ${maxErrors}`, {
      field: 'options.maxErrors',
    });
  }
  return { onError: options?.onError ?? 'SKIP', dryRun: options?.dryRun ?? false, timezone, maxErrors };
}
