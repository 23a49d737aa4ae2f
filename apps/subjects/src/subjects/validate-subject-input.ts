import { BadUserInputError } from '@trialgraph/graphql-kit';
import type { Sex, SubjectStatus } from '../__generated__/resolvers-types.js';
import { requireName } from '../studies/validate-study-input.js';

export const MIN_AGE = 1;
export const MAX_AGE = 130;

export function validateAge(age: number): number {
  if (!Number.isInteger(age) || age < MIN_AGE || age > MAX_AGE) {
    throw new BadUserInputError(`age must be between ${MIN_AGE} and ${MAX_AGE}, got ${age}`, { field: 'age' });
  }
  return age;
}

/** A name is optional, but when given it must say something. */
export function validateOptionalName(name: string | null | undefined): string | null {
  return name === null || name === undefined ? null : requireName(name, 'name');
}

export function requireReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length === 0) {
    throw new BadUserInputError('reason must say why the change is made; it is kept in the audit trail', {
      field: 'reason',
    });
  }
  return trimmed;
}

export interface SubjectChanges {
  name?: string | null;
  age?: number;
  sex?: Sex;
  status?: SubjectStatus;
}

/** Keeps only the fields the caller set; explicit null clears the name, null elsewhere is refused. */
export function validateSubjectChanges(input: { name?: string | null; age?: number | null; sex?: Sex | null; status?: SubjectStatus | null }): SubjectChanges {
  const changes: SubjectChanges = {};
  if (input.name !== undefined) changes.name = validateOptionalName(input.name);
  for (const field of ['age', 'sex', 'status'] as const) {
    if (input[field] === null) throw new BadUserInputError(`${field} cannot be cleared`, { field });
  }
  if (input.age !== undefined && input.age !== null) changes.age = validateAge(input.age);
  if (input.sex !== undefined && input.sex !== null) changes.sex = input.sex;
  if (input.status !== undefined && input.status !== null) changes.status = input.status;
  if (Object.keys(changes).length === 0) {
    throw new BadUserInputError('input sets no field: give at least one of name, age, sex, status', { field: 'input' });
  }
  return changes;
}
