import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAccessPolicyTable } from './render-access-policy.js';

const README = new URL('../../../README.md', import.meta.url);
const START = '<!-- access-policy:start (rendered from ACCESS_POLICY in packages/auth/src/access-policy.ts) -->';
const END = '<!-- access-policy:end -->';

describe('the README’s policy table', () => {
  it('is ACCESS_POLICY as the code enforces it', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, `README.md must hold the table between "${START}" and "${END}"`).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    // On a difference, paste the expected block into README.md.
    expect(readme.slice(start + START.length, end).trim()).toBe(renderAccessPolicyTable());
  });
});
