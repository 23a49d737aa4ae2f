import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cliManifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
const shim = fileURLToPath(new URL(`../${cliManifest.bin.trialgraph}`, import.meta.url));

/** A repository laid out like this one, with the shim and a stand-in build script: what a fresh clone has after `npm ci`. */
function freshClone(buildScript: string): { root: string; shim: string } {
  const root = mkdtempSync(join(tmpdir(), 'tg-fresh-clone-'));
  mkdirSync(join(root, 'apps/cli/bin'), { recursive: true });
  copyFileSync(shim, join(root, 'apps/cli/bin/trialgraph.js'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fresh', private: true, type: 'module', scripts: { build: buildScript } }));
  writeFileSync(
    join(root, 'build.js'),
    "import { mkdirSync, writeFileSync } from 'node:fs';\n" +
      "mkdirSync('apps/cli/dist', { recursive: true });\n" +
      "writeFileSync('apps/cli/dist/main.js', 'console.log(\"built CLI ran with\", JSON.stringify(process.argv.slice(2)));\\n');\n",
  );
  writeFileSync(join(root, 'apps/cli/package.json'), JSON.stringify({ type: 'module' }));
  return { root, shim: join(root, 'apps/cli/bin/trialgraph.js') };
}

describe('`npx trialgraph` right after `npm ci`', () => {
  const clones: string[] = [];
  afterAll(() => {
    for (const root of clones) rmSync(root, { recursive: true, force: true });
  });

  it('links a committed file, not a build output, so npm links it at install time', () => {
    expect(cliManifest.bin.trialgraph).not.toMatch(/dist\//);
    const tracked = spawnSync('git', ['ls-files', '--error-unmatch', shim], { cwd: repositoryRoot });
    expect(tracked.status).toBe(0);
    expect(realpathSync(join(repositoryRoot, 'node_modules/.bin/trialgraph'))).toBe(realpathSync(shim));
  });

  it('answers --help through npx, as a newcomer types it', () => {
    const help = spawnSync('npx', ['--no-install', 'trialgraph', '--help'], { cwd: repositoryRoot, encoding: 'utf8', timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: trialgraph/m);
    expect(help.stdout).toMatch(/validate/);
  });

  it('builds once when nothing is built yet, then runs the command it was given', () => {
    const clone = freshClone('node build.js');
    clones.push(clone.root);
    const first = spawnSync(process.execPath, [clone.shim, 'validate', 'vitals.csv'], { cwd: clone.root, encoding: 'utf8', timeout: 60_000 });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/not built yet: building it once/);
    expect(first.stdout).toContain('built CLI ran with ["validate","vitals.csv"]');
    // Built now: no second build.
    const second = spawnSync(process.execPath, [clone.shim, '--help'], { cwd: clone.root, encoding: 'utf8', timeout: 60_000 });
    expect(second.stderr).toBe('');
    expect(second.stdout).toContain('built CLI ran with ["--help"]');
  });

  it('says what to do when the build fails', () => {
    const clone = freshClone('node -e "process.exit(3)"');
    clones.push(clone.root);
    const failed = spawnSync(process.execPath, [clone.shim, '--help'], { cwd: clone.root, encoding: 'utf8', timeout: 60_000 });
    expect(failed.status).toBe(3);
    expect(failed.stderr).toMatch(/The build failed.*npm run build/s);
  });
});
