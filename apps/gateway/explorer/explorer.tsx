/**
 * GraphiQL with the query-building explorer, served by the gateway at /graphiql for networks that
 * cannot reach Apollo Sandbox's CDN. The page gives this script its settings as JSON (see
 * apps/gateway/src/explorer/explorer-page.ts): the GraphQL endpoint, and the headers Sandbox would
 * start with (the development token, for a browser on this machine only).
 */
import './monaco-workers.js';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

interface ExplorerSettings {
  endpoint: string;
  headers: Record<string, string>;
}

const settingsElement = document.getElementById('explorer-settings');
const settings = JSON.parse(settingsElement?.textContent ?? '{}') as ExplorerSettings;
const startingHeaders = Object.keys(settings.headers).length > 0 ? JSON.stringify(settings.headers, null, 2) : undefined;
const fetcher = createGraphiQLFetcher({ url: new URL(settings.endpoint, document.baseURI).href });
const plugins = [explorerPlugin()];
const root = document.getElementById('graphiql');
if (!root) throw new Error('the page has no #graphiql element');

// Headers are not persisted: a development token stays in this page, not in the browser's storage.
createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      initialHeaders={startingHeaders}
      defaultHeaders={startingHeaders}
      shouldPersistHeaders={false}
      visiblePlugin={plugins[0]}
    />
  </StrictMode>,
);
