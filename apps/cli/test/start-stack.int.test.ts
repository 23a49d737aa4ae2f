import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appEntry, freePort, graphqlRequest } from '@trialgraph/testing';
import { afterAll, describe, expect, it } from 'vitest';

describe('`npm start` on the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('brings up the gateway and subgraphs on PGlite, seeds the demo study once, and stops on Ctrl+C', async () => {
    const [gatewayPort, subjectsPort, vitalsPort] = [await freePort(), await freePort(), await freePort()];
    const run = async () => {
      let output = '';
      const child = spawn(
        process.execPath,
        [appEntry('cli'), 'start', '--gateway-port', String(gatewayPort), '--subjects-port', String(subjectsPort), '--vitals-port', String(vitalsPort)],
        { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 90_000;
      while (!output.includes('trialgraph is up')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the stack did not come up:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const tokenOf = (role: string) => new RegExp(`^  ${role} +(\\S+)`, 'm').exec(output)?.[1];
      const gateway = `http://127.0.0.1:${gatewayPort}/`;
      const response = await graphqlRequest(gateway, `{ studies { code sites { code } } }`, {}, { authorization: `Bearer ${tokenOf('ADMIN')}` });
      const partner = await graphqlRequest(gateway, `{ studies { code } }`, {}, { authorization: `Bearer ${tokenOf('PARTNER')}` });
      const coordinatorSubjects = await graphqlRequest(
        gateway,
        `query($id: ID!) { subjects(studyId: $id) { edges { node { site { code } } } } }`,
        { id: (await graphqlRequest(gateway, `{ studies { id } }`, {}, { authorization: `Bearer ${tokenOf('ADMIN')}` })).data?.studies[0].id },
        { authorization: `Bearer ${tokenOf('COORDINATOR')}` },
      );
      const anonymous = await graphqlRequest(gateway, `{ studies { code } }`);
      const sandbox = await (await fetch(gateway, { headers: { accept: 'text/html' } })).text();
      child.kill('SIGINT');
      return { output, response, partner, coordinatorSubjects, anonymous, sandbox, exitCode: await exited };
    };

    const first = await run();
    expect(first.output).toContain(`Apollo Sandbox: http://localhost:${gatewayPort}/`);
    // One line while the subgraphs come up, then the banner; no readiness probe is logged as a warning.
    expect(first.output.match(/Waiting for the gateway and the subgraphs/g)).toHaveLength(1);
    expect(first.output.indexOf('Waiting for the gateway')).toBeLessThan(first.output.indexOf('trialgraph is up'));
    expect(first.output).not.toMatch(/not ready/);
    expect(first.response.data).toEqual({ studies: [{ code: 'CARD01', sites: [{ code: 'S01' }, { code: 'S02' }] }] });
    expect(first.exitCode).toBe(0);
    // Without a configured key it says so loudly, and hands out a working token per role.
    expect(first.output).toContain('DEVELOPMENT KEY');
    expect(first.partner.data).toEqual({ studies: [{ code: 'CARD01' }] });
    const coordinatorSites = first.coordinatorSubjects.data?.subjects.edges.map((edge: any) => edge.node.site.code);
    expect(coordinatorSites.length).toBeGreaterThan(0);
    expect(new Set(coordinatorSites)).toEqual(new Set(['S01']));
    expect(first.anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Sandbox opens signed in as a development ADMIN, so the README's first query works as pasted.
    expect(first.sandbox).toMatch(/Authorization[^\n]*Bearer ey/);

    // A second start finds the data it left and does not seed a second demo study.
    const second = await run();
    expect(second.response.data).toEqual(first.response.data);
    expect(second.exitCode).toBe(0);
  }, 180_000);
});
