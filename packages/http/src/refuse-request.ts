import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpStatusOf, type ErrorCode, type RefinedStatus } from '@trialgraph/graphql-kit';

/** How much of a refused request's body is read and thrown away, and for how long, before the connection is closed. */
export interface DrainBound {
  maxBytes: number;
  maxMs: number;
}

export interface Refusal {
  code: ErrorCode;
  /** A more precise 400-class status than the code's (413 for a size limit); otherwise the code's status in the one table. */
  status?: RefinedStatus;
  message: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * Answers a request with a GraphQL-shaped JSON error before (or without) reading its body,
 * without cutting the client off. A client still sending a large upload reads the answer only
 * once its write is done, and a server that closes the socket under it (as Node does after an
 * answer marked `Connection: close`) resets the connection: the client sees EPIPE/ECONNRESET
 * instead of the error. So the rest of the body is read and thrown away, and the connection
 * stays usable; a body past the bound in bytes or time has its connection destroyed.
 */
export function refuseRequest(req: IncomingMessage, res: ServerResponse, refusal: Refusal, drain: DrainBound & { reader?: AsyncIterator<Buffer> }): void {
  (res as ServerResponse & { locals?: Record<string, unknown> }).locals ??= {};
  (res as ServerResponse & { locals: Record<string, unknown> }).locals.refusedWith = refusal.code;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = writeRefusalHead(req, res, refusal);
  // Reading starts before the answer ends: Node would otherwise discard the body itself, without a bound.
  if (!(req.complete || req.readableEnded)) drainThenClose(req, drain);
  res.end(body);
}

/**
 * Sets the status and headers of a refusal's answer and returns its body: the GraphQL error
 * shape with the code and the request's id, the status from the one table of codes. For a
 * caller that ends the answer itself.
 */
export function writeRefusalHead(req: IncomingMessage, res: ServerResponse, refusal: Refusal): string {
  // pino-http, mounted before every route, has given the request its id.
  const requestId = (req as IncomingMessage & { id?: unknown }).id;
  const extensions = { ...refusal.extensions, code: refusal.code, ...(typeof requestId === 'string' ? { requestId } : {}) };
  const body = JSON.stringify({ errors: [{ message: refusal.message, extensions }] });
  res.statusCode = httpStatusOf(refusal.code, refusal.status);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  for (const [name, value] of Object.entries(refusal.headers ?? {})) res.setHeader(name, value);
  return body;
}

/**
 * Reads and discards what is left of a request body up to the bound, past which it destroys
 * the connection. `reader` is the iterator the body was already being read with, if any: once a
 * stream is read through an async iterator, its 'data' events no longer flow.
 */
export function drainThenClose(req: IncomingMessage, drain: DrainBound & { reader?: AsyncIterator<Buffer> }): void {
  if (drain.reader) {
    void drainReader(req, drain.reader, drain);
    return;
  }
  drainEvents(req, drain);
}

async function drainReader(req: IncomingMessage, reader: AsyncIterator<Buffer>, drain: DrainBound): Promise<void> {
  const timer = setTimeout(() => req.socket.destroy(), drain.maxMs);
  timer.unref();
  let read = 0;
  try {
    for (let next = await reader.next(); !next.done; next = await reader.next()) {
      read += next.value.length;
      if (read > drain.maxBytes) {
        req.socket.destroy();
        return;
      }
    }
  } catch {
    // The client went away: nothing left to drain.
  } finally {
    clearTimeout(timer);
  }
}

function drainEvents(req: IncomingMessage, drain: DrainBound): void {
  let read = 0;
  const close = () => {
    clearTimeout(timer);
    req.removeListener('data', count);
    req.socket.destroy();
  };
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read > drain.maxBytes) close();
  };
  const timer = setTimeout(close, drain.maxMs);
  timer.unref();
  req.on('data', count);
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}
