import { describe, expect, it } from 'vitest';
import { parseEnvironment } from './parse-environment.js';
import { redisUrls } from './variables.js';

const shape = { REDIS_URL: redisUrls.optional() };

describe('REDIS_URL', () => {
  it('takes one URL or several comma-separated ones as a list', () => {
    expect(parseEnvironment(shape, { REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL).toEqual(['redis://127.0.0.1:6379']);
    expect(parseEnvironment(shape, { REDIS_URL: 'redis://a:6379, rediss://b:6380' }).REDIS_URL).toEqual(['redis://a:6379', 'rediss://b:6380']);
  });

  it('is optional: unset means no Redis', () => {
    expect(parseEnvironment(shape, {}).REDIS_URL).toBeUndefined();
  });

  it('refuses anything that is not a redis URL, naming the variable but not its value', () => {
    expect(() => parseEnvironment(shape, { REDIS_URL: 'redis://a:6379,http://b' })).toThrow(
      /^Invalid configuration:\n {2}- REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL, or several separated by commas$/,
    );
  });
});
