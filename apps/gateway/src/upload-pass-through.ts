import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorCode, isErrorCode, REFINED_STATUS, type ErrorCode as Code, type RefinedStatus } from '@trialgraph/graphql-kit';
import {
  checkMultipartRequest,
  drainThenClose,
  operationLabel,
  recordGraphqlRequest,
  refuseRequest,
  type MultipartCheck,
  type MultipartPreamble,
  type RequestTimeouts,
} from '@trialgraph/http';
import type { Logger } from '@trialgraph/observability';
import type { Request, RequestHandler } from 'express';
import { request as forward } from 'undici';
import { readUploadOperation } from './upload-operation.js';

/** operations and map come first in a multipart request (the spec orders them); they are small. */
const MAX_PREAMBLE_BYTES = 1024 * 1024;
/** importVitals takes one file. */
const MAX_FILES = 1;

export interface UploadPassThroughOptions {
  vitalsUrl: string;
  maxUploadBytes: number;
  timeouts: RequestTimeouts;
  /** How long vitals may take to answer once it has the whole upload (UPLOAD_RESPONSE_TIMEOUT_MS). */
  responseTimeoutMs: number;
  /** How long vitals may pause while sending its answer (SUBGRAPH_TIMEOUT_MS). */
  responseIdleMs: number;
  logger: Logger;
  /**
   * Takes one of the caller's import slots, or throws a GraphQLError (RATE_LIMITED) to refuse;
   * resolves with the function that gives the slot back. The caller's token was checked before.
   */
  takeImportSlot: (req: Request) => Promise<() => void>;
}

/** Why the gateway refuses an upload; the status is its code's in the one table, or a more precise 400-class one (413). */
class UploadRefusal extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details: { status?: RefinedStatus; headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
  ) {
    super(message);
  }
}

/**
 * Multipart uploads skip query planning (the gateway cannot forward files) and stream
 * straight to the vitals subgraph: the gateway reads the fields up to the first file, checks
 * that they follow the multipart spec and that the operation is importVitals, then pipes the
 * untouched body on, checking the rest of its structure as it passes. Backpressure holds end
 * to end, so the gateway buffers nothing but that preamble, whatever the file's size. Every
 * refusal is a JSON answer the client can read: what it still sends is drained, up to a bound,
 * before the connection closes.
 */
export function createUploadPassThrough(options: UploadPassThroughOptions): RequestHandler {
  const drainBound = { maxBytes: options.maxUploadBytes + MAX_PREAMBLE_BYTES, maxMs: options.timeouts.bodyMs };
  return async (req, res, next) => {
    if (req.method !== 'POST' || !req.is('multipart/form-data')) {
      next();
      return;
    }
    // pino-http, mounted before this route, has assigned the id (taken from the caller or new).
    const requestId = String((req as Request & { id?: unknown }).id);
    // Uploads bypass Apollo, so they are counted here like any other request at the gateway;
    // errors only when the gateway itself refuses (vitals counts the import's own).
    const started = process.hrtime.bigint();
    let operationName: string | null = null;
    let giveSlotBack = () => {};
    res.once('close', () => {
      giveSlotBack();
      const refusedWith = res.locals.refusedWith as string | undefined;
      recordGraphqlRequest({
        operation: operationLabel(operationName),
        durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        errorCodes: refusedWith ? [refusedWith] : [],
      });
    });
    const reader = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const refuse = (refusal: UploadRefusal) =>
      refuseRequest(req, res, { ...refusal.details, code: refusal.code, message: refusal.message }, { ...drainBound, reader });

    let check: MultipartCheck;
    let preamble: { chunks: Buffer[]; fields: MultipartPreamble };
    try {
      if (!req.headers['apollo-require-preflight'] && !req.headers['x-apollo-operation-name']) {
        throw new UploadRefusal(ErrorCode.BAD_REQUEST, 'send the header "Apollo-Require-Preflight: true" with a multipart upload (CSRF prevention)');
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > options.maxUploadBytes + MAX_PREAMBLE_BYTES) {
        throw new UploadRefusal(
          ErrorCode.BAD_USER_INPUT,
          `the upload is larger than the ${options.maxUploadBytes}-byte limit (MAX_UPLOAD_BYTES); split the file`,
          { status: REFINED_STATUS.PAYLOAD_TOO_LARGE },
        );
      }
      giveSlotBack = await takeSlot(options, req);
      check = checkMultipartRequest(req.headers, { maxFiles: MAX_FILES, maxFieldBytes: MAX_PREAMBLE_BYTES });
      preamble = await readPreamble(reader, check);
      const upload = readUploadOperation(preamble.fields.operations);
      operationName = upload.name;
      if (upload.refusal) throw new UploadRefusal(ErrorCode.BAD_REQUEST, upload.refusal);
    } catch (error) {
      refuse(asRefusal(error));
      return;
    }

    // Vitals may answer before the body is over (a refused import): the client then still sends,
    // and the rest is drained once the answer is out, so the client can read it.
    res.once('finish', () => {
      if (req.complete || res.locals.refusedWith) return;
      forwarding.stopped = true;
      drainThenClose(req, { ...drainBound, reader });
    });
    const forwarding = { stopped: false };
    const abort = new AbortController();
    req.once('close', () => {
      if (!req.complete) abort.abort(new Error('client went away'));
    });
    // A body that breaks the spec after its first file (an extra file, a field): vitals must not
    // keep it, and the client hears why from the gateway.
    let structureRefusal: UploadRefusal | undefined;
    check.complete.catch((error: unknown) => {
      structureRefusal = new UploadRefusal(ErrorCode.BAD_REQUEST, (error as Error).message);
      abort.abort(error);
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
        body: Readable.from(wholeBody({ preamble: preamble.chunks, reader, check, maxBytes: options.maxUploadBytes + MAX_PREAMBLE_BYTES, forwarding })),
        signal: abort.signal,
        // Waiting for vitals' answer: it comes once the import is stored, after the last byte;
        // undici also counts this while vitals accepts no byte of the body.
        headersTimeout: options.responseTimeoutMs,
        bodyTimeout: options.responseIdleMs,
      });
      // The import is over once vitals answers: free the caller's slot before the client hears it, so its next upload finds it free.
      giveSlotBack();
      res.status(upstream.statusCode);
      const contentType = upstream.headers['content-type'];
      if (contentType) res.setHeader('content-type', contentType);
      await pipeline(upstream.body, res);
    } catch (error) {
      if (structureRefusal) {
        refuse(structureRefusal);
        return;
      }
      if (error instanceof UploadRefusal) {
        refuse(error);
        return;
      }
      options.logger.warn({ err: error, requestId }, 'upload pass-through failed');
      if (res.headersSent || abort.signal.aborted) return void res.destroy();
      refuse(
        new UploadRefusal(ErrorCode.SERVICE_UNAVAILABLE, 'the vitals service could not take the upload; retry in a moment', {
          headers: { 'retry-after': '1' },
          extensions: { dependency: 'vitals' },
        }),
      );
    }
  };
}

async function takeSlot(options: UploadPassThroughOptions, req: Request): Promise<() => void> {
  try {
    return await options.takeImportSlot(req);
  } catch (error) {
    const extensions = (error as { extensions?: { code?: unknown; retryAfterSeconds?: number } }).extensions;
    if (extensions?.code !== ErrorCode.RATE_LIMITED) throw error;
    const retryAfter = String(extensions.retryAfterSeconds ?? 1);
    throw new UploadRefusal(ErrorCode.RATE_LIMITED, (error as Error).message, {
      headers: { 'retry-after': retryAfter },
      extensions: { retryAfterSeconds: Number(retryAfter) },
    });
  }
}

function asRefusal(error: unknown): UploadRefusal {
  if (error instanceof UploadRefusal) return error;
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  if (isErrorCode(code)) return new UploadRefusal(code, (error as Error).message);
  return new UploadRefusal(ErrorCode.BAD_REQUEST, error instanceof Error ? error.message : String(error));
}

/**
 * Reads the request until its structure is known up to the first file (or the end), keeping
 * every byte read so the body can be forwarded unchanged. Throws when the request is refused.
 */
async function readPreamble(reader: AsyncIterator<Buffer>, check: MultipartCheck): Promise<{ chunks: Buffer[]; fields: MultipartPreamble }> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Set in the callbacks below, which TypeScript does not follow: read through a function so the
  // check after each write is not taken for the loop condition's narrowing.
  let settled = false;
  const isSettled = () => settled;
  check.preamble.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!isSettled()) {
    const next = await reader.next();
    if (next.done) {
      check.input.end();
      break;
    }
    chunks.push(next.value);
    size += next.value.length;
    await write(check, next.value);
    // busboy emits its events after the write returns; let it catch up.
    await new Promise((resolve) => setImmediate(resolve));
    if (!isSettled() && size > MAX_PREAMBLE_BYTES) {
      throw new UploadRefusal(ErrorCode.BAD_REQUEST, 'the "operations" and "map" fields must come first and be under 1 MiB (GraphQL multipart request spec)');
    }
  }
  return { chunks, fields: await check.preamble };
}

async function write(check: MultipartCheck, chunk: Buffer): Promise<void> {
  if (!check.input.write(chunk)) await once(check.input, 'drain');
}

/**
 * The body as received, checked as it passes and stopped at the size limit even when no
 * content-length was declared. Vitals applies the same check and holds its import's stream
 * until the whole body has passed, so what breaks the spec late (an extra file) is refused
 * on both sides, and here the gateway can say why.
 */
async function* wholeBody(source: {
  preamble: Buffer[];
  reader: AsyncIterator<Buffer>;
  check: MultipartCheck;
  maxBytes: number;
  /** Set once the answer is out: what is left of the body is drained, not forwarded. */
  forwarding: { stopped: boolean };
}): AsyncGenerator<Buffer> {
  let size = 0;
  for (const chunk of source.preamble) {
    size += chunk.length;
    yield chunk;
  }
  for (let next = await source.reader.next(); !next.done && !source.forwarding.stopped; next = await source.reader.next()) {
    size += next.value.length;
    if (size > source.maxBytes) {
      throw new UploadRefusal(ErrorCode.BAD_USER_INPUT, `the upload is larger than the ${source.maxBytes}-byte limit (MAX_UPLOAD_BYTES); split the file`, {
        status: REFINED_STATUS.PAYLOAD_TOO_LARGE,
      });
    }
    await write(source.check, next.value);
    yield next.value;
  }
  if (source.forwarding.stopped) return;
  source.check.input.end();
  await source.check.complete;
}
