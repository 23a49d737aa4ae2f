import { z } from 'zod';

/** Validators for the variables several processes share, so each reads them the same way. */

export const port = (defaultPort: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(defaultPort);

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

export const nodeEnv = z
  .enum(['development', 'production', 'test'], { message: 'must be development, production or test' })
  .default('development');

export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const postgresUrl = z.url({
  protocol: /^postgres(ql)?$/,
  message: 'must be a postgres:// or postgresql:// URL',
});

const isRedisUrl = (value: string) => {
  try {
    return /^rediss?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** One Redis URL, or several comma-separated (independent nodes for Redlock): a list of URLs. */
export const redisUrls = z
  .string()
  .refine((value) => value.split(',').every((url) => isRedisUrl(url.trim())), {
    message: 'must be a redis:// or rediss:// URL, or several separated by commas',
  })
  .transform((value) => value.split(',').map((url) => url.trim()));

export const positiveMilliseconds = (defaultValue: number) =>
  z.coerce.number({ message: 'must be a number of milliseconds' }).int().positive('must be positive').default(defaultValue);

export const dataDir = z.string().min(1).default('./.data');
