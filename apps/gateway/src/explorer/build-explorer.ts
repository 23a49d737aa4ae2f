import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { EXPLORER_ASSETS_DIRECTORY } from './explorer-assets.js';

/**
 * Bundles GraphiQL (explorer/explorer.tsx) and Monaco's web workers from node_modules into
 * dist/explorer/assets, as part of `npm run build`: the gateway serves every file /graphiql needs,
 * so it works on a network without internet, and nothing is downloaded at build time either.
 */
const gatewayDirectory = fileURLToPath(new URL('../../', import.meta.url));
const outdir = fileURLToPath(EXPLORER_ASSETS_DIRECTORY);

rmSync(outdir, { recursive: true, force: true });
const common = {
  absWorkingDir: gatewayDirectory,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  outdir,
  entryNames: '[name]',
  assetNames: '[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
} as const;

await Promise.all([
  build({ ...common, entryPoints: { explorer: 'explorer/explorer.tsx' } }),
  // Classic (not module) workers, loaded by monaco-workers.ts from the same directory.
  build({
    ...common,
    entryPoints: {
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
      'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
    },
  }),
]);
