import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Aborts when the client closes its connection before its answer has been sent. Read from the
 * response, not the request: since Node 16 a request emits 'close' as soon as its body has been
 * read, while the client may still be waiting for its answer.
 */
export function clientGoneSignal(req: IncomingMessage & { res?: ServerResponse }): AbortSignal {
  const controller = new AbortController();
  const res = req.res;
  if (!res) return controller.signal;
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client closed its connection'));
  });
  return controller.signal;
}
