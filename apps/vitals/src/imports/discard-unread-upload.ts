import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Once the answer to an upload is sent, discards whatever of the request body is still unread.
 * An import that stops early (interrupted by a shutdown, file too large) stops reading its
 * upload; the multipart parser then stalls, the socket's receive window fills, and the
 * connection can neither finish nor close: on shutdown it would hold the HTTP drain until its
 * deadline cut it. Reading on to the end (a lingering close, RFC 9112 §9.6) lets the client,
 * which already has its answer, close the connection cleanly.
 */
export function discardUnreadUpload(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.once('finish', () => {
    if (req.complete) return;
    req.unpipe();
    req.resume();
  });
  next();
}
