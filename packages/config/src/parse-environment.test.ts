import { describe, expect, it } from 'vitest';
import { EnvironmentError, parseEnvironment } from './parse-environment.js';
import { logLevel, port, postgresUrl } from './variables.js';

const shape = { PORT: port(4001), LOG_LEVEL: logLevel, DATABASE_URL: postgresUrl.optional() };

describe('parseEnvironment', () => {
  it('applies defaults when variables are unset or empty', () => {
    expect(parseEnvironment(shape, { PORT: '', LOG_LEVEL: undefined })).toEqual({ PORT: 4001, LOG_LEVEL: 'info' });
  });

  it('reports every bad variable at once, naming the value it got', () => {
    let caught: unknown;
    try {
      parseEnvironment(shape, { PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvironmentError);
    const problems = (caught as EnvironmentError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^PORT: must be a number \(got "eighty"\)$/);
    expect(problems[1]).toMatch(/^LOG_LEVEL: must be one of .* \(got "loud"\)$/);
    expect(problems[2]).toBe('DATABASE_URL: must be a postgres:// or postgresql:// URL (got "mysql://x")');
  });

  it('refuses a port outside 1..65535', () => {
    expect(() => parseEnvironment(shape, { PORT: '70000' })).toThrow(/PORT: must be between 1 and 65535/);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(parseEnvironment(shape, {}))).toBe(true);
  });
});
