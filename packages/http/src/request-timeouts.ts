import type { Server } from 'node:http';
import { ErrorCode, REFINED_STATUS } from '@trialgraph/graphql-kit';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { refuseRequest } from './refuse-request.js';

/** How long a client may take to send a request, read from the same variables by every server. */
export interface RequestTimeouts {
  /** HEADERS_TIMEOUT_MS: from connecting (or the previous answer) to the end of the headers. */
  headersMs: number;
  /** REQUEST_BODY_TIMEOUT_MS: the whole body of a request that is not an upload. */
  bodyMs: number;
  /** UPLOAD_IDLE_TIMEOUT_MS: the longest pause between two bytes of a multipart upload. */
  uploadIdleMs: number;
}

/**
 * The import that reads an upload watches the same UPLOAD_IDLE_TIMEOUT_MS and records the stall
 * (FAILED UPLOAD_STALLED) with its answer; the server's own cut comes this much later, as a
 * backstop for a handler that stopped reading, so it never races the import's answer.
 */
export const UPLOAD_IDLE_BACKSTOP_MS = 5_000;

/**
 * Node's `requestTimeout` bounds the whole request for every route of a server, so an upload
 * that takes ten minutes to stream could only be allowed by turning it off for all. Instead
 * Node bounds the headers, and each request's body is bounded here: an ordinary body must
 * arrive in full within REQUEST_BODY_TIMEOUT_MS, an upload must never pause longer than
 * UPLOAD_IDLE_TIMEOUT_MS between two bytes received.
 */
export function applyServerTimeouts(server: Server, timeouts: RequestTimeouts): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = 0;
}

export function isMultipart(req: Request): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
}

function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

export function boundRequestTime(timeouts: RequestTimeouts): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.complete || !hasBody(req)) {
      next();
      return;
    }
    const drain = { maxBytes: 64 * 1024, maxMs: 1_000 };
    if (isMultipart(req)) {
      const idleMs = timeouts.uploadIdleMs + UPLOAD_IDLE_BACKSTOP_MS;
      const onIdle = () =>
        refuseRequest(
          req,
          res,
          {
            status: REFINED_STATUS.REQUEST_TIMEOUT,
            code: ErrorCode.BAD_REQUEST,
            message: `the upload sent no byte for ${idleMs} ms (UPLOAD_IDLE_TIMEOUT_MS is ${timeouts.uploadIdleMs}); send it again`,
            extensions: { limit: 'UPLOAD_IDLE_TIMEOUT_MS' },
          },
          drain,
        );
      // Polled rather than the socket's own idle timer, which Node also uses between kept-alive requests.
      const socket = req.socket;
      let bytesSeen = socket.bytesRead;
      let lastByteAt = Date.now();
      const watch = setInterval(
        () => {
          if (socket.bytesRead !== bytesSeen) {
            bytesSeen = socket.bytesRead;
            lastByteAt = Date.now();
          } else if (Date.now() - lastByteAt >= idleMs) {
            clearInterval(watch);
            onIdle();
          }
        },
        Math.min(1_000, Math.ceil(idleMs / 4)),
      );
      watch.unref();
      const clear = () => clearInterval(watch);
      req.once('end', clear);
      res.once('close', clear);
    } else {
      const timer = setTimeout(
        () =>
          refuseRequest(
            req,
            res,
            {
              status: REFINED_STATUS.REQUEST_TIMEOUT,
              code: ErrorCode.BAD_REQUEST,
              message: `the request body did not arrive within ${timeouts.bodyMs} ms (REQUEST_BODY_TIMEOUT_MS); send it in one go`,
              extensions: { limit: 'REQUEST_BODY_TIMEOUT_MS' },
            },
            drain,
          ),
        timeouts.bodyMs,
      );
      timer.unref();
      const clear = () => clearTimeout(timer);
      req.once('end', clear);
      res.once('close', clear);
    }
    next();
  };
}
