import { databaseSessions, waitFor, type TimedGraphqlOutcome } from '@trialgraph/testing';
import type postgres from 'postgres';
import { expect } from 'vitest';

/**
 * What a loaded 2-core machine may add to a configured bound before an answer counts as late:
 * process scheduling and the test's own polling, not the service's work.
 */
export const SCHEDULING_SLACK_MS = 2_000;

/** How soon after a dependency returns the processes must serve again, without a restart. */
export const RECOVERY_MS = 10_000;

/** ms since epoch → seconds since `origin`, for failure messages a person can read. */
export const secondsSince = (origin: number, at: number) => `${((at - origin) / 1000).toFixed(1)} s`;

/**
 * The call was answered (no hang, no dropped connection) within `withinMs`, and refused only
 * with SERVICE_UNAVAILABLE errors whose message names the dependency that is down.
 */
export function expectRefusedNaming(outcome: TimedGraphqlOutcome, dependency: RegExp, withinMs: number): void {
  expect(outcome.failure, 'the call got a GraphQL answer').toBeUndefined();
  expect(outcome.ms, 'answered in time').toBeLessThanOrEqual(withinMs);
  const errors = outcome.response?.errors ?? [];
  expect(errors.length, 'the answer carries an error').toBeGreaterThan(0);
  expect(errors.map((error) => error.extensions?.code)).toEqual(errors.map(() => 'SERVICE_UNAVAILABLE'));
  expect(
    errors.some((error) => dependency.test(error.message)),
    `an error names ${dependency}: ${JSON.stringify(errors.map((error) => error.message))}`,
  ).toBe(true);
}

/** One line saying when a call was sent, how long it took and how it ended, for failure messages. */
export function summarizeOutcome(outcome: TimedGraphqlOutcome, origin: number): string {
  const what = outcome.failure ?? (outcome.response?.errors ?? []).map((error) => `${error.extensions?.code}: ${error.message}`).join(' | ');
  return `[sent at ${secondsSince(origin, outcome.startedAt)}, ${outcome.ms} ms] ${what || 'ok'}`;
}

/** The first few outcomes, one line each. */
export function describeOutcomes(outcomes: readonly TimedGraphqlOutcome[], origin: number): string {
  return outcomes
    .slice(0, 12)
    .map((outcome) => summarizeOutcome(outcome, origin))
    .join('\n');
}

/**
 * Waits until vitals is storing rows: one of its sessions has an open transaction that has
 * written, and its statement is about `vital_signs`. Whether vitals writes while the upload
 * arrives or receives the whole file first, a fault injected then hits an import mid-store.
 */
export async function waitUntilStoringRows(adminSql: postgres.Sql, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    'vitals to be storing rows',
    async () => (await databaseSessions(adminSql, 'trialgraph-vitals')).some((session) => session.wroteInTransaction && /vital_signs/i.test(session.query)),
    timeoutMs,
  );
}
