import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SoakReport } from '../src/soak/soak-report.js';

const main = fileURLToPath(new URL('../dist/soak/main.js', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'trialgraph-soak-test-'));
const out = join(directory, 'soak.json');

/** Runs `npm run soak -- --minutes 1` as a user would (built output, own process), into a temp file. */
function runSoak(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, '--minutes', '1', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const isMeasured = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

describe('a 60-second soak', () => {
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('serves the fixed-rate mix through the gateway with no unexpected error and no process growing past 10 %', { timeout: 420_000 }, async () => {
    const { code, output } = await runSoak();
    const report = JSON.parse(readFileSync(out, 'utf8')) as SoakReport;

    // The figures are real measurements of this run, whatever its verdict.
    expect(report.minutes).toBe(1);
    expect(report.loadSeconds).toBeGreaterThanOrEqual(60);
    for (const kind of ['read', 'createSubject', 'small import', 'large import']) {
      const operation = report.operations.find((candidate) => candidate.kind === kind);
      expect(operation, kind).toBeDefined();
      expect(operation!.ok, kind).toBeGreaterThan(0);
      for (const figure of ['throughputPerSecond', 'p50Ms', 'p95Ms', 'p99Ms'] as const) expect(isMeasured(operation![figure]), `${kind} ${figure}`).toBe(true);
    }
    expect(report.processes.map((process) => process.name).sort()).toEqual(['gateway', 'subjects', 'vitals']);
    for (const process of report.processes) {
      for (const figure of ['rssStartBytes', 'rssEndBytes', 'handlesStart', 'handlesEnd'] as const)
        expect(isMeasured(process[figure]), `${process.name} ${figure}`).toBe(true);
    }
    expect(output).toContain('| operation | sent | ok | errors | throughput | p50 | p95 | p99 |');
    expect(output).toContain('| process | RSS start | RSS end | growth | open handles start | end | growth |');

    // The verdict: every request answered without an unexpected code, nothing grew past 10 %.
    expect(report.reasons, output).toEqual([]);
    expect(report.verdict).toBe('PASS');
    expect(code).toBe(0);
  });
});
