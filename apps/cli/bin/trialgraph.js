#!/usr/bin/env node
// The `trialgraph` command as npm links it at install time, before anything is built: npm links a
// workspace's bin only if its target exists then, and dist/ is built later. It runs the built
// CLI, building the workspace first when it has not been built yet (a fresh clone after `npm ci`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

if (!existsSync(built)) {
  process.stderr.write('trialgraph is not built yet: building it once with `npm run build` (about a minute)…\n');
  const build = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (build.status !== 0 || !existsSync(built)) {
    process.stderr.write('The build failed (see above). Run `npm ci` and then `npm run build` at the repository root, and try again.\n');
    process.exit(build.status || 1);
  }
}
await import(pathToFileURL(built).href);
