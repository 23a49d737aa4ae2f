import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { operationLabel, recordGraphqlRequest } from '@trialgraph/http';
import type { Logger } from '@trialgraph/observability';
import busboy from 'busboy';
import type { Request, RequestHandler, Response } from 'express';
import { request as forward } from 'undici';
import { readUploadOperation } from './upload-operation.js';

/** operations and map come first in a multipart request (the spec orders them); they are small. */
const MAX_PREAMBLE_BYTES = 1024 * 1024;

export interface UploadPassThroughOptions {
  vitalsUrl: string;
  maxUploadBytes: number;
  logger: Logger;
  /** Checks the caller as for any request; throws a GraphQLError to refuse. */
  authenticate?: (req: Request) => Promise<void>;
}

/**
 * Multipart uploads skip query planning (the gateway cannot forward files) and stream
 * straight to the vitals subgraph: the gateway reads the first fields to check that the
 * operation is importVitals, then pipes the untouched body on. Backpressure holds end to end,
 * so the gateway buffers nothing but that preamble, whatever the file's size.
 */
export function createUploadPassThrough(options: UploadPassThroughOptions): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
    // pino-http, mounted before this route, has assigned the id (taken from the caller or new).
    const requestId = String((req as Request & { id?: unknown }).id);
    // Uploads bypass Apollo, so they are counted here like any other request at the gateway;
    // errors only when the gateway itself refuses (vitals counts the import's own).
    const started = process.hrtime.bigint();
    let operationName: string | null = null;
    res.once('close', () => {
      const refusedWith = res.locals.refusedWith as string | undefined;
      recordGraphqlRequest({
        operation: operationLabel(operationName),
        durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        errorCodes: refusedWith ? [refusedWith] : [],
      });
    });
    if (!req.headers['apollo-require-preflight'] && !req.headers['x-apollo-operation-name']) {
      return refuse(res, 400, 'BAD_REQUEST', 'send the header "Apollo-Require-Preflight: true" with a multipart upload (CSRF prevention)');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > options.maxUploadBytes + MAX_PREAMBLE_BYTES) {
      return refuse(res, 413, 'BAD_USER_INPUT', `the upload is larger than the ${options.maxUploadBytes}-byte limit; split the file`);
    }
    try {
      await options.authenticate?.(req);
    } catch (error) {
      const code = (error as { extensions?: { code?: string } }).extensions?.code ?? 'UNAUTHENTICATED';
      return refuse(res, 200, code, error instanceof Error ? error.message : 'not allowed');
    }

    let preamble: Preamble;
    try {
      preamble = await readPreamble(req, (operations) => {
        const upload = readUploadOperation(operations);
        operationName = upload.name;
        return upload.refusal;
      });
    } catch (error) {
      return refuse(res, 400, 'BAD_REQUEST', error instanceof Error ? error.message : String(error));
    }

    const abort = new AbortController();
    req.once('close', () => {
      if (!req.complete) abort.abort(new Error('client went away'));
    });
    try {
      const upstream = await forward(options.vitalsUrl, {
        method: 'POST',
        headers: {
          'content-type': req.headers['content-type'] as string,
          'apollo-require-preflight': 'true',
          'x-request-id': requestId,
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        body: Readable.from(wholeBody(preamble, options.maxUploadBytes + MAX_PREAMBLE_BYTES)),
        signal: abort.signal,
        // The answer comes when the import is done, which for a large file takes minutes.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      res.status(upstream.statusCode);
      const contentType = upstream.headers['content-type'];
      if (contentType) res.setHeader('content-type', contentType);
      await pipeline(upstream.body, res);
    } catch (error) {
      options.logger.warn({ err: error, requestId }, 'upload pass-through failed');
      if (!res.headersSent) refuse(res, 502, 'SERVICE_UNAVAILABLE', 'the vitals service could not take the upload; retry in a moment');
      else res.destroy();
    }
  };
}

/**
 * Reads the request until the operations and map fields are parsed, keeping every byte read
 * so the body can be forwarded unchanged. Throws with a reason when the request is refused.
 */
interface Preamble {
  chunks: Buffer[];
  /** The same iterator the preamble was read with: a second one on the request would compete for its data. */
  rest: AsyncIterator<Buffer>;
}

async function readPreamble(req: Request, refuseOperations: (operations: string) => string | null): Promise<Preamble> {
  const chunks: Buffer[] = [];
  let size = 0;
  const parser = busboy({ headers: req.headers, limits: { fieldSize: MAX_PREAMBLE_BYTES } });
  const fields = new Map<string, string>();
  let fileStarted = false;
  parser.on('field', (name, value) => fields.set(name, value));
  parser.on('file', (_name, stream) => {
    fileStarted = true;
    stream.resume();
  });
  parser.on('error', () => {});
  const iterator = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  while (!(fields.has('operations') && fields.has('map')) && !fileStarted) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = next.value as Buffer;
    chunks.push(chunk);
    size += chunk.length;
    parser.write(chunk);
    // busboy emits fields asynchronously after write; let it catch up.
    await new Promise((resolve) => setImmediate(resolve));
    if (size > MAX_PREAMBLE_BYTES && !fields.has('operations')) throw new Error('the "operations" field must come first and be under 1 MiB');
  }
  const operations = fields.get('operations');
  if (operations === undefined || !fields.has('map')) {
    throw new Error('a multipart request needs the "operations" and "map" fields before the file (GraphQL multipart request spec)');
  }
  const refusal = refuseOperations(operations);
  if (refusal) throw new Error(refusal);
  return { chunks, rest: iterator };
}

/** The body as received, stopped at the size limit even when no content-length was declared. */
async function* wholeBody(preamble: Preamble, maxBytes: number): AsyncGenerator<Buffer> {
  let size = 0;
  for (const chunk of preamble.chunks) {
    size += chunk.length;
    yield chunk;
  }
  for (let next = await preamble.rest.next(); !next.done; next = await preamble.rest.next()) {
    size += next.value.length;
    if (size > maxBytes) throw new Error(`the upload is larger than the limit of ${maxBytes} bytes`);
    yield next.value;
  }
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.locals.refusedWith = code;
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
