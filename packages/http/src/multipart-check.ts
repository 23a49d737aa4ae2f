import type { IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { HTTP_STATUS_OF_CODE } from '@trialgraph/graphql-kit';
import busboy from 'busboy';

const SPEC = 'GraphQL multipart request spec: operations, then map, then the files it names';

/** A multipart request the GraphQL multipart request spec does not allow: HTTP 400, message for the client. */
export class MultipartRefusal extends Error {
  readonly status = HTTP_STATUS_OF_CODE.BAD_REQUEST;
  /** graphql-upload-minimal and Express show the message of an error marked so. */
  readonly expose = true;
}

export interface MultipartPreamble {
  /** The `operations` field as sent (JSON text). */
  operations: string;
  /** The `map` field, checked: file part name → object paths in operations. */
  map: Record<string, string[]>;
}

export interface MultipartCheck {
  /** Feed it every byte of the body, in order. */
  input: Writable;
  /** Settles at the first file part (its name checked against the map), or at the end of a body without files. */
  preamble: Promise<MultipartPreamble>;
  /** Settles when the whole body has been parsed: rejects with the first rule it breaks. */
  complete: Promise<void>;
}

/**
 * Reads the structure of a GraphQL multipart request (fields and part names, never file
 * contents) and refuses what the spec does not allow, so that the gateway and vitals, which
 * both parse the same body, can never read it differently: exactly one `operations` field,
 * then exactly one `map`, then only files, each named once in the map, no more than
 * `maxFiles`, and every file the map names present. A body with a second `operations` after
 * the map once passed the gateway's check (it read the last) while vitals executed the first.
 */
export function checkMultipartRequest(headers: IncomingHttpHeaders, options: { maxFiles: number; maxFieldBytes: number }): MultipartCheck {
  let settlePreamble!: { resolve: (preamble: MultipartPreamble) => void; reject: (error: Error) => void };
  let settleComplete!: { resolve: () => void; reject: (error: Error) => void };
  const preamble = new Promise<MultipartPreamble>((resolve, reject) => (settlePreamble = { resolve, reject }));
  const complete = new Promise<void>((resolve, reject) => (settleComplete = { resolve, reject }));
  // Whoever awaits them sees the refusal; nobody awaiting must not crash the process.
  preamble.catch(() => {});
  complete.catch(() => {});

  let operations: string | undefined;
  let map: Record<string, string[]> | undefined;
  const filesSeen = new Set<string>();
  let refused = false;
  const refuse = (message: string) => {
    if (refused) return;
    refused = true;
    const error = new MultipartRefusal(message);
    settlePreamble.reject(error);
    settleComplete.reject(error);
  };
  const ready = () => settlePreamble.resolve({ operations: operations as string, map: map as Record<string, string[]> });

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers, limits: { fieldSize: options.maxFieldBytes, files: options.maxFiles, fields: 2 } });
  } catch (error) {
    refuse(`the multipart request cannot be read: ${(error as Error).message}`);
    return { input: discardingWritable(), preamble, complete };
  }
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) return refuse(`the "${name}" field is larger than ${options.maxFieldBytes} bytes`);
    if (name === 'operations') {
      if (operations !== undefined) return refuse(`the request has a second "operations" field; send exactly one (${SPEC})`);
      operations = value;
      return;
    }
    if (name === 'map') {
      if (map !== undefined) return refuse(`the request has a second "map" field; send exactly one (${SPEC})`);
      if (operations === undefined) return refuse(`the "map" field comes before "operations" (${SPEC})`);
      const checked = checkMap(value, options.maxFiles);
      if (typeof checked === 'string') return refuse(checked);
      map = checked;
      return;
    }
    refuse(`unexpected field "${name}": only "operations" and "map" may precede the files (${SPEC})`);
  });
  // busboy counts only fields it would emit: a third field (a second operations or map after both) lands here.
  parser.on('fieldsLimit', () => refuse(`the request has more than the "operations" and "map" fields (${SPEC})`));
  parser.on('file', (name, stream) => {
    stream.resume();
    if (operations === undefined || map === undefined) return refuse(`the file part "${name}" comes before "operations" and "map" (${SPEC})`);
    if (!(name in map))
      return refuse(
        `the file part "${name}" is not named in "map"; map names ${
          Object.keys(map)
            .map((key) => `"${key}"`)
            .join(', ') || 'no file'
        }`,
      );
    if (filesSeen.has(name)) return refuse(`the file part "${name}" is sent twice`);
    filesSeen.add(name);
    ready();
  });
  parser.on('filesLimit', () => refuse(`the request carries more than ${options.maxFiles} file${options.maxFiles === 1 ? '' : 's'}`));
  parser.on('error', (error: Error) => refuse(`the multipart body is malformed: ${error.message}`));
  parser.on('close', () => {
    if (operations === undefined) return refuse(`the request has no "operations" field (${SPEC})`);
    if (map === undefined) return refuse(`the request has no "map" field (${SPEC})`);
    const missing = Object.keys(map).filter((name) => !filesSeen.has(name));
    if (missing.length > 0) return refuse(`"map" names the file part "${missing[0]}" but the request has no such part`);
    ready();
    settleComplete.resolve();
  });
  return { input: parser, preamble, complete };
}

function checkMap(text: string, maxFiles: number): Record<string, string[]> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'the "map" field is not JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the "map" field must be an object of file part names to paths';
  const entries = Object.entries(parsed);
  if (entries.length > maxFiles) return `"map" names ${entries.length} files; at most ${maxFiles} may be sent`;
  for (const [name, paths] of entries) {
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((path) => typeof path === 'string')) {
      return `"map" entry "${name}" must be a non-empty list of paths such as ["variables.file"]`;
    }
  }
  return parsed as Record<string, string[]>;
}

/** Where the bytes of a request whose headers busboy refuses (no boundary) go: nowhere. */
function discardingWritable(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
