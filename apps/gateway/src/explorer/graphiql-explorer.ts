import { fileURLToPath } from 'node:url';
import type { LocalExplorer } from '@trialgraph/http';
import { EXPLORER_ASSETS_DIRECTORY } from './explorer-assets.js';

const PATH = '/graphiql';

/**
 * What the page may load: only this gateway's own files and endpoint, so it works where Apollo's
 * CDN is out of reach, and a page that holds a token loads nothing from anyone else. Styles may be
 * inline because Monaco and GraphiQL set them from script; fonts and icons are inline data.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON safe inside a <script> element: no `<` can close it, no `&` can start an entity. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * GraphiQL with the explorer plugin at /graphiql, from the bundle build-explorer.ts makes of npm
 * packages: the offline counterpart of Apollo Sandbox, with the same starting headers.
 */
export const GRAPHIQL_EXPLORER: LocalExplorer = {
  path: PATH,
  name: 'GraphiQL',
  assetsDirectory: fileURLToPath(EXPLORER_ASSETS_DIRECTORY),
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  renderPage: (startingHeaders) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trialgraph: GraphiQL</title>
<link rel="stylesheet" href="${PATH}/assets/explorer.css">
<style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script id="explorer-settings" type="application/json">${scriptSafeJson({ endpoint: '/graphql', headers: startingHeaders ?? {} })}</script>
<script src="${PATH}/assets/explorer.js"></script>
</body>
</html>
`,
};
