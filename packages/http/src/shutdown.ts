import type { Logger } from '@trialgraph/observability';

/**
 * Runs the shutdown steps in order on SIGTERM or SIGINT and exits 0, or 1 when a step fails
 * or the whole takes longer than `timeoutMs`. A second signal exits at once, so an operator
 * can always get the process down.
 */
export function onShutdownSignal(options: { logger: Logger; timeoutMs: number; steps: Array<() => Promise<unknown>> }): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    options.logger.info({ signal, timeoutMs: options.timeoutMs }, 'shutting down');
    // The HTTP drain ends a second before the timeout, leaving that second to close connections.
    // Past the timeout and a margin something hangs: exit non-zero rather than never.
    const deadline = setTimeout(() => {
      options.logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, options.timeoutMs + 5_000);
    deadline.unref();
    try {
      for (const step of options.steps) await step();
      options.logger.info('stopped');
      process.exit(0);
    } catch (error) {
      options.logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}
