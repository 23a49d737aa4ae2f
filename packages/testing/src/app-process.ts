import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { nodeOptionsOf } from '@trialgraph/config';
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from './test-tokens.js';

export interface AppProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process printed, for assertions on logs and for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. A paused process is resumed to receive it. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGSTOP: the process keeps its sockets open and answers nothing, as a hung service does. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
}

export type AppName = 'gateway' | 'subjects' | 'vitals';

export function appEntry(app: AppName | 'cli'): string {
  return fileURLToPath(new URL(`../../../apps/${app}/dist/main.js`, import.meta.url));
}

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts an app from its built output, as an operator would, and waits until it answers
 * /healthz. Throws with the app's output when it exits or does not come up in time.
 */
export async function startApp(app: AppName, env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<AppProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  let output = '';
  const entry = appEntry(app);
  const child = spawn(process.execPath, [...nodeOptionsOf(entry), entry], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      JWT_SECRET: TEST_JWT_SECRET,
      JWT_ISSUER: TEST_JWT_ISSUER,
      JWT_AUDIENCE: TEST_JWT_AUDIENCE,
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode} before it was up:\n${output}`);
    try {
      const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app} did not answer /healthz within the time limit:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        child.kill('SIGCONT');
      }
      return exited;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}
