import { BadUserInputError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; refusing anything else up front keeps malformed input out of SQL. */
export function parseId(value: string, field: string): string {
  if (!UUID.test(value)) {
    throw new BadUserInputError(`${field} "${truncate(value)}" is not a valid id`, { field });
  }
  return value.toLowerCase();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
