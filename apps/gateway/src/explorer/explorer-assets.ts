/** Where build-explorer.ts writes GraphiQL's bundle, and the gateway serves it from: dist/explorer/assets. */
export const EXPLORER_ASSETS_DIRECTORY = new URL('./assets/', import.meta.url);
