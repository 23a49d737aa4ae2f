/**
 * Where Monaco (GraphiQL's editor) finds its web workers: files the gateway serves beside this
 * bundle (built by src/explorer/build-explorer.ts), never a CDN, so the editors work on a network
 * without internet. Read while the bundle's script runs, the only time `currentScript` is set.
 */
const bundleUrl = (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;
const WORKER_FILES: Partial<Record<string, string>> = { graphql: 'graphql.worker.js', json: 'json.worker.js' };

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return new Worker(new URL(WORKER_FILES[label] ?? 'editor.worker.js', bundleUrl));
  },
};
