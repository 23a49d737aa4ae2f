import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/results.js';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'trialgraph-bench-test-'));
const out = join(directory, 'quick.json');

/** Runs `npm run bench -- --quick` as a user would (built output, own process), into a temp file. */
function runQuickBench(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('the benchmark in quick mode', () => {
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('measures all six measures, prints the table and writes it as JSON', { timeout: 300_000 }, async () => {
    const { code, output } = await runQuickBench();
    expect(code, output).toBe(0);
    expect(output).toContain('| # | measure | figure | reference (same run) | ratio | target | result |');

    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    expect(report.mode).toBe('quick');
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.memoryGiB).toBeGreaterThan(0);
    expect(report.machine.node).toMatch(/^v\d+/);
    expect(report.machine.postgres).toMatch(/^\d+/);
    for (const measure of [1, 2, 3, 4, 5, 6]) {
      const rows = report.results.filter((row) => row.measure === measure);
      expect(
        rows.some((row) => typeof row.figure === 'number' && Number.isFinite(row.figure)),
        `measure ${measure} has a figure`,
      ).toBe(true);
    }
    for (const row of report.results) {
      // PostgreSQL and Redis run wherever the suite runs, so every row must be measurable here.
      expect(['MET', 'MISSED', 'REPORT'], `${row.name}: ${row.note ?? ''}`).toContain(row.verdict);
      expect(Number.isFinite(row.figure), row.name).toBe(true);
      if (row.ratio !== null) expect(Number.isFinite(row.ratio), row.name).toBe(true);
    }
  });
});
