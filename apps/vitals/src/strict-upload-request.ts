import { PassThrough, type Readable } from 'node:stream';
import { checkMultipartRequest, writeRefusalHead } from '@trialgraph/http';
import { ErrorCode } from '@trialgraph/graphql-kit';
import type { Request, RequestHandler, Response } from 'express';
import { processRequest, Upload, type FileUpload, type UploadOptions } from 'graphql-upload-minimal';

/**
 * graphql-upload-minimal's multipart parsing, held to the spec: the same structural check the
 * gateway applies (@trialgraph/http `checkMultipartRequest`) reads the same bytes alongside it.
 * The operation only runs once the check has seen the fields and the first file's name, so a
 * second `operations` can no longer slip past; and a file's stream only ends once the whole
 * body has passed, so an import cannot store a file followed by parts the spec forbids, and
 * the client hears the same 400 the gateway would have given.
 */
export function strictGraphqlUpload(options: Required<Pick<UploadOptions, 'maxFiles' | 'maxFileSize' | 'maxFieldSize'>>): RequestHandler {
  return async (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next();
      return;
    }
    const check = checkMultipartRequest(req.headers, { maxFiles: options.maxFiles, maxFieldBytes: options.maxFieldSize });
    req.pipe(check.input);
    const parsed = processRequest(req, res, options);
    parsed.catch(() => {});
    try {
      const { map } = await check.preamble;
      const operations = await parsed;
      for (const paths of Object.values(map)) {
        for (const path of paths) holdUploadUntil(valueAt(operations, path), check.complete);
      }
      req.body = operations;
      answerStructureRefusalInstead(req, res, check.complete);
      next();
    } catch (error) {
      next(error);
    }
  };
}

function valueAt(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

/** The upload's stream delivers its bytes as they come but ends only once `verdict` holds, and fails if it does not. */
function holdUploadUntil(upload: unknown, verdict: Promise<void>): void {
  if (!(upload instanceof Upload)) return;
  upload.promise = upload.promise.then((file): FileUpload => ({
    ...file,
    createReadStream: () => {
      const source = file.createReadStream() as Readable;
      const held = new PassThrough();
      source.on('error', (error) => held.destroy(error));
      source.pipe(held, { end: false });
      // Both outcomes are handled here, so the derived promises are not awaited.
      source.once(
        'end',
        () =>
          void verdict.then(
            () => held.end(),
            (error: unknown) => held.destroy(error as Error),
          ),
      );
      verdict.catch((error: unknown) => held.destroy(error as Error));
      return held as unknown as ReturnType<FileUpload['createReadStream']>;
    },
  }));
  upload.promise.catch(() => {});
}

/**
 * A body that breaks the spec after its first file is only known to at its end, once the
 * operation has started; the operation then fails on its held stream, and what the client
 * gets is the structural refusal (400, as at the gateway) rather than the operation's account
 * of a stream that broke.
 */
function answerStructureRefusalInstead(req: Request, res: Response, verdict: Promise<void>): void {
  let refusal: Error | undefined;
  verdict.catch((error: unknown) => (refusal = error as Error));
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (!refusal || res.headersSent) return end(...args);
    return end(writeRefusalHead(req, res, { code: ErrorCode.BAD_REQUEST, message: refusal.message }));
  }) as Response['end'];
}
