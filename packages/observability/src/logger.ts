import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout, one logger per process. Tokens and personal data never reach the
 * logs: the paths below are censored wherever a caller logs a request or an input by mistake.
 */
export function createLogger(options: { service: string; level: LevelWithSilent }): Logger {
  return pino({
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'token',
        '*.token',
        'variables',
        '*.variables',
        'input.name',
        '*.input.name',
      ],
      censor: '[redacted]',
    },
  });
}
