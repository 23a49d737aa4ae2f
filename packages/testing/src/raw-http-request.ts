import { connect } from 'node:net';

export interface RawHttpResponse {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from opening the connection to its close. */
  closedAfterMs: number;
  /** Set when the connection ended in an error (reset, refused) rather than a close. */
  error?: string;
}

export interface RawHttpRequest {
  /** Writes part of the body, waiting while the server does not read (backpressure). */
  send(bytes: Uint8Array | string): Promise<void>;
  /** Bytes of body written so far. */
  readonly bytesSent: number;
  /** Drops the connection mid-request, as a client whose network or process died. */
  abort(): void;
  /** Settles when the server has answered and closed, or the connection broke; never rejects. */
  response: Promise<RawHttpResponse>;
}

/**
 * An HTTP/1.1 request written by hand on a TCP socket: the test decides when each byte of the
 * body goes out, whether the declared Content-Length is ever reached, and when the client
 * vanishes. What fetch and undici cannot do: trickle, stall, lie about the length, disconnect.
 */
export function openRawHttpRequest(options: { url: string; method?: string; headers: Record<string, string> }): RawHttpRequest {
  const url = new URL(options.url);
  const opened = Date.now();
  const socket = connect({ host: url.hostname, port: Number(url.port || 80) });
  const head = [
    `${options.method ?? 'POST'} ${url.pathname}${url.search} HTTP/1.1`,
    `host: ${url.host}`,
    'connection: close',
    ...Object.entries(options.headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  let bytesSent = 0;
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  let failure: string | undefined;
  const response = new Promise<RawHttpResponse>((resolve) => {
    socket.once('error', (error) => (failure = error.message));
    socket.once('close', () =>
      resolve({ ...parseResponse(Buffer.concat(received)), closedAfterMs: Date.now() - opened, ...(failure ? { error: failure } : {}) }),
    );
  });
  return {
    async send(bytes) {
      if (socket.destroyed) throw new Error('the connection is closed');
      const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      bytesSent += buffer.length;
      if (!socket.write(buffer)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            socket.off('drain', done);
            socket.off('close', done);
            resolve();
          };
          socket.once('drain', done);
          socket.once('close', done);
        });
      }
    },
    get bytesSent() {
      return bytesSent;
    },
    abort: () => void socket.destroy(),
    response,
  };
}

function parseResponse(raw: Buffer): Pick<RawHttpResponse, 'status' | 'headers' | 'body'> {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: 0, headers: {}, body: raw.toString() };
  const [statusLine = '', ...headerLines] = raw.subarray(0, headEnd).toString().split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(headEnd + 4);
  const body = headers['transfer-encoding']?.includes('chunked') ? decodeChunked(rest) : rest.toString();
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body };
}

/** The body of a chunked response (RFC 9112 §7.1), as far as it arrived. */
function decodeChunked(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString(), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).toString();
}
