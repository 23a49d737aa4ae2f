import { readFileSync } from 'node:fs';

/**
 * The Node.js flags an app is started with (`trialgraph.nodeOptions` in its package.json), e.g.
 * the vitals heap budget. Every launcher reads them from there: `npm start -w`, `trialgraph
 * start`, the test and benchmark launcher, and the Dockerfile (a test keeps its CMD in step).
 */
export function nodeOptionsOf(appEntry: string): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', `file://${appEntry}`), 'utf8')) as {
    trialgraph?: { nodeOptions?: string[] };
  };
  return manifest.trialgraph?.nodeOptions ?? [];
}
