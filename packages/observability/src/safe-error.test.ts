import { describe, expect, it } from 'vitest';
import { safeErrorMessage, serializeErrorSafely } from './safe-error.js';

/** As the drivers raise them: drizzle's error around the driver's, with the statement's values in both. */
function failedInsert(): Error {
  const driver = Object.assign(new Error('new row for relation "subjects" violates check constraint "subjects_age_range"'), {
    name: 'PostgresError',
    code: '23514',
    severity: 'ERROR',
    constraint_name: 'subjects_age_range',
    table_name: 'subjects',
    detail: 'Failing row contains (1, Jane Roe, 0, FEMALE).',
    parameters: ['Jane Roe', 0],
    query: 'insert into "subjects" ("name", "age") values ($1, $2)',
  });
  return Object.assign(new Error('Failed query: insert into "subjects" ("name", "age") values ($1, $2)\nparams: Jane Roe,0'), {
    name: 'DrizzleQueryError',
    params: ['Jane Roe', 0],
    cause: driver,
  });
}

describe('errors as they may leave the process', () => {
  it('keep the SQL, the code and the constraint, and drop every value of the statement', () => {
    const serialized = serializeErrorSafely(failedInsert());
    const text = JSON.stringify(serialized);
    expect(text).not.toContain('Jane Roe');
    expect(serialized).toMatchObject({
      type: 'DrizzleQueryError',
      message: 'Failed query: insert into "subjects" ("name", "age") values ($1, $2)',
      cause: { type: 'PostgresError', code: '23514', constraint_name: 'subjects_age_range', table_name: 'subjects' },
    });
    expect(serialized.stack).toMatch(/^DrizzleQueryError: Failed query: insert into "subjects"[^\n]*\n\s+at /);
  });

  it('hide the value a data exception quotes, and keep the names an integrity error quotes', () => {
    const badUuid = Object.assign(new Error('invalid input syntax for type uuid: "Jane Roe"'), { code: '22P02' });
    expect(safeErrorMessage(badUuid)).toBe('invalid input syntax for type uuid: "…"');
    expect(safeErrorMessage(failedInsert().cause)).toBe('new row for relation "subjects" violates check constraint "subjects_age_range"');
  });

  it('say nothing but the kind of something that is not an error', () => {
    expect(serializeErrorSafely('Jane Roe')).toEqual({ type: 'string' });
  });
});
