import { randomBytes } from 'node:crypto';

/**
 * A GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec) as a
 * stream: operations, map, then the file, read chunk by chunk. WHATWG FormData cannot take a
 * stream, and a hospital export can be larger than memory.
 */
export function multipartUploadBody(options: {
  query: string;
  variables: Record<string, unknown>;
  /** Dotted path of the Upload variable, e.g. "variables.file". */
  filePath: string;
  fileName: string;
  file: AsyncIterable<Uint8Array>;
}): { contentType: string; body: AsyncGenerator<Uint8Array> } {
  const boundary = `----trialgraph${randomBytes(12).toString('hex')}`;
  const part = (headers: string) => Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`);
  const operations = JSON.stringify({ query: options.query, variables: options.variables });
  const map = JSON.stringify({ 0: [options.filePath] });
  const safeName = options.fileName.replace(/["\r\n]/g, '_');
  async function* body(): AsyncGenerator<Uint8Array> {
    yield part('Content-Disposition: form-data; name="operations"');
    yield Buffer.from(`${operations}\r\n`);
    yield part('Content-Disposition: form-data; name="map"');
    yield Buffer.from(`${map}\r\n`);
    yield part(`Content-Disposition: form-data; name="0"; filename="${safeName}"\r\nContent-Type: text/csv`);
    yield* options.file;
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: body() };
}
