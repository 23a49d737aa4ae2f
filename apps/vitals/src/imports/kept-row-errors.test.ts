import { describe, expect, it } from 'vitest';
import { KeptRowErrors, truncateText } from './kept-row-errors.js';

const error = (line: number, value: string) => ({
  line,
  column: 'heart_rate',
  value,
  code: 'INVALID_NUMBER',
  message: `heart_rate must be a whole number, got "${value}"`,
});

describe('the row errors an import keeps', () => {
  it('cuts a long value to the limit, ending with an ellipsis and its original length', () => {
    const cut = truncateText('7'.repeat(60_000), 200);
    expect(cut).toHaveLength(200);
    expect(cut).toBe(`${'7'.repeat(181)}…(60000 characters)`);
    expect(truncateText('72', 200)).toBe('72');
  });

  it('never leaves half of a character that takes two UTF-16 units', () => {
    const cut = truncateText(`${'a'.repeat(20)}${'😀'.repeat(100)}`, 40);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(cut.endsWith('…(220 characters)')).toBe(true);
  });

  it('keeps at most maxErrors errors, and stops keeping once their text reaches maxBytes', () => {
    const byCount = new KeptRowErrors({ maxErrors: 2, maxBytes: 1024 ** 2, maxTextChars: 200 });
    for (let line = 2; line < 10; line++) byCount.add(error(line, 'n/a'));
    expect(byCount.list.map((kept) => kept.line)).toEqual([2, 3]);
    expect(byCount.full).toBe(true);

    const byBytes = new KeptRowErrors({ maxErrors: 100_000, maxBytes: 4_000, maxTextChars: 200 });
    for (let line = 2; line < 1_000; line++) byBytes.add(error(line, 'x'.repeat(60_000)));
    const keptBytes = byBytes.list.reduce(
      (sum, kept) => sum + (kept.value?.length ?? 0) + kept.message.length + 'heart_rate'.length + 'INVALID_NUMBER'.length,
      0,
    );
    expect(byBytes.list.length).toBeGreaterThan(5);
    expect(keptBytes).toBeLessThanOrEqual(4_000);
    expect(byBytes.full).toBe(true);
    expect(byBytes.list.every((kept) => kept.value?.endsWith('…(60000 characters)') && kept.message.length <= 200)).toBe(true);
  });
});
