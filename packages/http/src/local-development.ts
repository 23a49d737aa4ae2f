import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';

/**
 * Browser origins a development gateway answers CORS for when CORS_ORIGINS is unset: pages served
 * from this machine (a frontend's dev server, Sandbox on the gateway itself), whatever their
 * port. Any other web page the developer happens to visit gets no CORS answer, so it cannot
 * read what the development stack returns.
 */
export const LOCALHOST_ORIGINS: readonly RegExp[] = [/^http:\/\/localhost(:\d+)?$/, /^http:\/\/127\.0\.0\.1(:\d+)?$/, /^http:\/\/\[::1\](:\d+)?$/];

/** Response headers a browser page may read: the id to quote in a support request, and when to retry after 429/503. */
export const BROWSER_EXPOSED_HEADERS: readonly string[] = ['x-request-id', 'retry-after'];

const LOCAL_HOST_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  if (address === '::1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return isIPv4(v4) && v4.startsWith('127.');
}

/** The host name of a Host header, without its port: `[::1]:4000` → `[::1]`, `localhost:4000` → `localhost`. */
function hostNameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const match = /^(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(host.trim().toLowerCase());
  return match?.[1];
}

/**
 * Whether a request comes from this machine and was addressed to it by a local name. Both are
 * needed: the address alone is also loopback when a web page on the developer's machine calls a
 * name it rebinds to 127.0.0.1 (DNS rebinding), and that page's requests carry its own Host.
 */
export function isLocalRequest(req: IncomingMessage): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && LOCAL_HOST_NAMES.has(hostNameOf(req.headers.host) ?? '');
}
