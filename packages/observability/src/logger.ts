import { pino, type Logger, type LevelWithSilent } from 'pino';
import { serializeErrorSafely } from './safe-error.js';

export type { Logger };

/**
 * JSON lines on stdout, one logger per process. Tokens and personal data never reach the
 * logs: the paths below are censored wherever a caller logs a request or an input by mistake,
 * and errors are written without the values of a failed statement (see safe-error.ts).
 */
export function createLogger(options: { service: string; level: LevelWithSilent }): Logger {
  return pino({
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeErrorSafely, error: serializeErrorSafely },
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
