import { describe, expect, it } from 'vitest';
import { canMove, describeAllowedMoves } from './status-lifecycle.js';
import { formatSubjectNumber } from './subject-number.js';

describe('subject lifecycle', () => {
  it.each([
    ['SCREENING', 'ENROLLED'],
    ['SCREENING', 'SCREEN_FAILED'],
    ['ENROLLED', 'WITHDRAWN'],
    ['ENROLLED', 'COMPLETED'],
  ] as const)('allows %s to %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it.each([
    ['SCREENING', 'WITHDRAWN'],
    ['SCREENING', 'COMPLETED'],
    ['ENROLLED', 'SCREENING'],
    ['WITHDRAWN', 'ENROLLED'],
    ['COMPLETED', 'WITHDRAWN'],
    ['SCREEN_FAILED', 'ENROLLED'],
  ] as const)('refuses %s to %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });

  it('explains the allowed moves', () => {
    expect(describeAllowedMoves('SCREENING')).toBe('from SCREENING a subject can move to ENROLLED or SCREEN_FAILED');
    expect(describeAllowedMoves('WITHDRAWN')).toBe('WITHDRAWN is final');
  });
});

describe('subject numbers', () => {
  it('pads the sequence to four digits', () => {
    expect(formatSubjectNumber('CARD01', 'S01', 7)).toBe('CARD01-S01-0007');
  });

  it('keeps counting past 9999', () => {
    expect(formatSubjectNumber('CARD01', 'S01', 12345)).toBe('CARD01-S01-12345');
  });
});
