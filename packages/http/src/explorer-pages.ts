import type { GraphQLServerContext } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { isLocalRequest } from './local-development.js';

/**
 * An explorer that needs no internet, for networks that cannot reach Apollo's CDN (a hospital's):
 * served at `path`, linked from Sandbox's offline message, and started with Sandbox's headers.
 */
export interface LocalExplorer {
  /** Where the page is served, e.g. `/graphiql`; its files are served under `${path}/assets/`. */
  path: string;
  /** Its name, as the offline message shows it. */
  name: string;
  /** The page, given the headers it starts with (none for a request from another host). */
  renderPage: (startingHeaders: Record<string, string> | undefined) => string;
  /** The directory of its scripts, styles and workers. */
  assetsDirectory: string;
  /** The page's Content-Security-Policy: what it may load, and from where. */
  contentSecurityPolicy: string;
}

export interface ExplorerPagesOptions {
  /**
   * Headers the explorers start with, e.g. a development token: asked for each page, and given
   * only to a request from this machine (see isLocalRequest); others get the page without them.
   */
  startingHeaders: (() => Promise<Record<string, string>>) | undefined;
  localExplorer: LocalExplorer | undefined;
}

/** The media types Apollo Server negotiates for a GET; Sandbox is served when HTML wins, as Apollo decides. */
const GET_MEDIA_TYPES = ['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html'];

/** Apollo Sandbox at GET / and /graphql, and the local explorer, if any, at its own path (development only). */
export function mountExplorerPages(app: Express, options: ExplorerPagesOptions): void {
  const startingHeadersFor = async (req: Request): Promise<Record<string, string> | undefined> =>
    options.startingHeaders && isLocalRequest(req) ? options.startingHeaders() : undefined;
  app.get(['/', '/graphql'], serveSandbox(startingHeadersFor, options.localExplorer));
  const explorer = options.localExplorer;
  if (!explorer) return;
  app.get(explorer.path, async (req, res, next) => {
    try {
      const page = explorer.renderPage(await startingHeadersFor(req));
      res.setHeader('cache-control', 'no-store');
      res.setHeader('content-security-policy', explorer.contentSecurityPolicy);
      res.type('html').send(page);
    } catch (error) {
      next(error);
    }
  });
  app.use(`${explorer.path}/assets`, express.static(explorer.assetsDirectory, { index: false }), (_req: Request, res: Response) => {
    res.status(404).type('text').send('no such file');
  });
}

/**
 * Apollo Sandbox, embedded, for a browser's GET. Rendered per request, so that the headers it
 * starts with (a development token) are given only to a request from this machine, and minted
 * afresh for each page instead of living as long as the process.
 */
function serveSandbox(startingHeadersFor: (req: Request) => Promise<Record<string, string> | undefined>, localExplorer: LocalExplorer | undefined) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.accepts(GET_MEDIA_TYPES) !== 'text/html') {
      next();
      return;
    }
    try {
      const headers = await startingHeadersFor(req);
      const plugin = ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, ...(headers ? { headers } : {}) });
      // The default landing page's listener reads nothing from the server it is given.
      const listener = await plugin.serverWillStart?.({} as GraphQLServerContext);
      const page = await listener?.renderLandingPage?.();
      if (!page) {
        next();
        return;
      }
      const html = typeof page.html === 'string' ? page.html : await page.html();
      res.setHeader('cache-control', 'no-store');
      res.type('html').send(localExplorer ? withOfflineLink(html, localExplorer) : html);
    } catch (error) {
      next(error);
    }
  };
}

/** Apollo's offline message, shown when Sandbox cannot load from its CDN, and the line we add to it. */
const OFFLINE_MESSAGE = /(<div class="fallback">[\s\S]*?<\/p>)/;

/**
 * Sandbox's page says only "you might be offline" when Apollo's CDN is out of reach, and the
 * plugin has no option to add to that message (its `footer` is for the non-embedded page): so the
 * link to the local explorer is added to the message itself, which shows only when Sandbox fails
 * to load (Sandbox's frame covers it otherwise).
 */
function withOfflineLink(html: string, explorer: LocalExplorer): string {
  const link = `<p>Without internet access, use <a href="${explorer.path}">${explorer.name}</a>, served by this gateway.</p>`;
  return html.replace(OFFLINE_MESSAGE, `$1\n  ${link}`);
}
