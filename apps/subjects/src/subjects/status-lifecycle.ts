import type { SubjectStatus } from '../__generated__/resolvers-types.js';

const NEXT: Record<SubjectStatus, readonly SubjectStatus[]> = {
  SCREENING: ['ENROLLED', 'SCREEN_FAILED'],
  ENROLLED: ['WITHDRAWN', 'COMPLETED'],
  SCREEN_FAILED: [],
  WITHDRAWN: [],
  COMPLETED: [],
};

export function canMove(from: SubjectStatus, to: SubjectStatus): boolean {
  return NEXT[from].includes(to);
}

/** Says what the subject may move to instead, so the caller knows what would be accepted. */
export function describeAllowedMoves(from: SubjectStatus): string {
  const next = NEXT[from];
  return next.length === 0 ? `${from} is final` : `from ${from} a subject can move to ${next.join(' or ')}`;
}
