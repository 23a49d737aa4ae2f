import {
  BadUserInputError,
  checkPageSize,
  decodeCursor,
  EARLIEST_DATE_TIME_MS,
  encodeCursor,
  isWholeNumberBetween,
  LATEST_DATE_TIME_MS,
  toConnection,
  type Connection,
} from '@trialgraph/graphql-kit';
import type { SubjectVitalsArgs } from '../__generated__/resolvers-types.js';
import type { VitalSignRow } from '../db/schema.js';

const CURSOR_KIND = 'vitals';
const isInstant = isWholeNumberBetween(EARLIEST_DATE_TIME_MS, LATEST_DATE_TIME_MS);

export interface VitalsPageArgs {
  from: Date | undefined;
  to: Date | undefined;
  before: Date | undefined;
  first: number;
}

/** Checks `Subject.vitals` arguments once, into the shape the loader groups by. */
export function toVitalsPageArgs(args: SubjectVitalsArgs): VitalsPageArgs {
  const from = args.from ? new Date(args.from) : undefined;
  const to = args.to ? new Date(args.to) : undefined;
  if (from && to && from > to) {
    throw new BadUserInputError(`"from" (${from.toISOString()}) must not be after "to" (${to.toISOString()})`, { field: 'from' });
  }
  const before = args.after ? new Date(decodeCursor(CURSOR_KIND, args.after, isInstant)) : undefined;
  return { from, to, before, first: checkPageSize(args.first, 100, 500) };
}

/** The unique (subject, instant) key makes the instant a stable cursor within one subject's list. */
export function vitalsConnection(rows: VitalSignRow[], args: VitalsPageArgs, totalCount: number): Connection<VitalSignRow> {
  return toConnection({
    rows,
    first: args.first,
    totalCount,
    hasPreviousPage: args.before !== undefined,
    cursorOf: (row) => encodeCursor(CURSOR_KIND, row.recordedAt.getTime()),
  });
}
