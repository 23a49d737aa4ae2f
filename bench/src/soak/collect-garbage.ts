import { once } from 'node:events';
import WebSocket from 'ws';

/**
 * The inspector address a process printed when started with `--inspect=127.0.0.1:0` (a port of
 * its own, so several processes never compete for 9229).
 */
export function inspectorUrlIn(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

/**
 * Runs a full garbage collection in another Node process through its inspector (Chrome DevTools
 * Protocol, HeapProfiler.collectGarbage). V8 collects when it likes: a process that is not
 * leaking climbs for minutes and then drops (the gateway went 148 → 204 → 140 MB in a
 * 5-minute run), so RSS compared at two arbitrary instants measures where in that saw-tooth they
 * fell. Collected first, both readings measure what is really retained.
 */
export async function collectGarbage(inspectorUrl: string): Promise<void> {
  const socket = new WebSocket(inspectorUrl);
  try {
    await once(socket, 'open');
    const answered = new Promise<void>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
        if (message.id !== 1) return;
        if (message.error) reject(new Error(`HeapProfiler.collectGarbage: ${message.error.message}`));
        else resolve();
      });
      socket.once('close', () => reject(new Error('the inspector closed before answering')));
    });
    socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    await answered;
  } finally {
    socket.close();
  }
}
