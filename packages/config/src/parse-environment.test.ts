import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvironmentError, parseEnvironment } from './parse-environment.js';
import { logLevel, port, postgresUrl } from './variables.js';

const shape = { PORT: port(4001), LOG_LEVEL: logLevel, DATABASE_URL: postgresUrl.optional() };

describe('parseEnvironment', () => {
  it('applies defaults when variables are unset or empty', () => {
    expect(parseEnvironment(shape, { PORT: '', LOG_LEVEL: undefined })).toEqual({ PORT: 4001, LOG_LEVEL: 'info' });
  });

  it('reports every bad variable at once, naming the variable and what is wrong, never its value', () => {
    let caught: unknown;
    try {
      parseEnvironment(shape, { PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvironmentError);
    const problems = (caught as EnvironmentError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('PORT: must be a number');
    expect(problems[1]).toMatch(/^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent$/);
    expect(problems[2]).toBe('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  });

  it('never repeats a value: a mistyped URL keeps its password, a short secret stays secret', () => {
    const secretShape = { DATABASE_URL: postgresUrl, JWT_SECRET: z.string().min(32, 'must be at least 32 characters') };
    let caught: unknown;
    try {
      parseEnvironment(secretShape, { DATABASE_URL: 'postgress://app:Sup3rS3cret@db/x', JWT_SECRET: 'short-but-real-secret' });
    } catch (error) {
      caught = error;
    }
    const message = (caught as EnvironmentError).message;
    expect(message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(message).toContain('JWT_SECRET: must be at least 32 characters');
    expect(message).not.toContain('Sup3rS3cret');
    expect(message).not.toContain('short-but-real-secret');
  });

  it('refuses a port outside 1..65535', () => {
    expect(() => parseEnvironment(shape, { PORT: '70000' })).toThrow(/PORT: must be between 1 and 65535/);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(parseEnvironment(shape, {}))).toBe(true);
  });

  it('still reads a renamed variable under its old name, saying so, and prefers the new name when both are set', () => {
    const depthShape = { IMPORT_PIPELINE_DEPTH: z.coerce.number().default(2) };
    const renamed = { IMPORT_CONCURRENCY: 'IMPORT_PIPELINE_DEPTH' };
    const warnings: string[] = [];
    const warn = (message: string) => void warnings.push(message);
    expect(parseEnvironment(depthShape, { IMPORT_CONCURRENCY: '4' }, { renamed, warn }).IMPORT_PIPELINE_DEPTH).toBe(4);
    expect(warnings).toEqual(['IMPORT_CONCURRENCY is deprecated and will not be read in the next release: rename it IMPORT_PIPELINE_DEPTH']);
    expect(parseEnvironment(depthShape, { IMPORT_CONCURRENCY: '4', IMPORT_PIPELINE_DEPTH: '3' }, { renamed, warn }).IMPORT_PIPELINE_DEPTH).toBe(3);
    expect(warnings[1]).toBe('IMPORT_CONCURRENCY is deprecated and ignored, since IMPORT_PIPELINE_DEPTH is set: remove it');
    expect(parseEnvironment(depthShape, {}, { renamed, warn }).IMPORT_PIPELINE_DEPTH).toBe(2);
    expect(warnings).toHaveLength(2);
  });
});
