import { fileURLToPath } from 'node:url';

/** How big and how often: the one place the three modes differ. */
export interface BenchOptions {
  mode: 'quick' | 'default' | 'full';
  /** Timed runs per contender; the table shows their median. */
  runs: number;
  parserRows: number;
  importRows: number;
  /** Import sizes at which peak RSS is sampled; the last is compared with the first. */
  memoryRows: number[];
  /** With --full, the last memory size is a file of about this many bytes instead. */
  memoryFileBytes: number | undefined;
  pageSizes: number[];
  readSeconds: number;
  readConnections: number;
  /** Readings per subject of the old database in the read-at-volume rows of measure 5 (the young one has 10). */
  volumeReadingsPerSubject: number;
  createsPerRun: number;
  createConcurrency: number;
  /** Subjects the import files cycle through. */
  importSubjects: number;
  resultsPath: string;
  /** Free text printed with the results, e.g. "the machine was busy with other builds". */
  note: string | undefined;
  /** Only these measures (1-8), for working on one; all by default (8 with --full only). */
  only: Set<number>;
}

export const DEFAULT_RESULTS_PATH = fileURLToPath(new URL('../results/latest.json', import.meta.url));

const USAGE = `usage: npm run bench -- [--quick | --full] [--runs N] [--only 1,2,...] [--note "text"] [--out path.json]
  --quick  small sizes, one run each: a smoke test that finishes in well under two minutes
  --full   as the default, the memory measure ends with a ~1 GB file, and measure 8 runs (20 M rows)
`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const takesValue = ['runs', 'only', 'note', 'out'].includes(name);
    if (!['quick', 'full', 'runs', 'only', 'note', 'out'].includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
    flags.set(name, takesValue ? (inline ?? argv[++index] ?? '') : true);
  }
  if (flags.has('quick') && flags.has('full')) throw new Error('--quick and --full exclude each other');
  const mode = flags.has('quick') ? 'quick' : flags.has('full') ? 'full' : 'default';
  const quick = mode === 'quick';
  const runs = flags.has('runs') ? Number(flags.get('runs')) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1, got ${String(flags.get('runs'))}`);
  // Measure 8 seeds 20 M rows: in --full runs, or asked for by --only, never in --quick.
  const only = flags.has('only') ? new Set(String(flags.get('only')).split(',').map(Number)) : new Set([1, 2, 3, 4, 5, 6, 7, ...(mode === 'full' ? [8] : [])]);
  for (const measure of only) if (!(measure >= 1 && measure <= 8)) throw new Error(`--only takes measures 1 to 8, got ${String(flags.get('only'))}`);
  if (quick && only.has(8)) throw new Error('measure 8 (20 M rows) does not run with --quick');
  return {
    mode,
    runs,
    parserRows: quick ? 50_000 : 1_000_000,
    importRows: quick ? 20_000 : 1_000_000,
    memoryRows: quick ? [10_000, 40_000, 160_000] : [100_000, 500_000, 2_000_000],
    memoryFileBytes: mode === 'full' ? 1024 ** 3 : undefined,
    pageSizes: [10, 100, 500],
    readSeconds: quick ? 2 : 20,
    readConnections: 32,
    volumeReadingsPerSubject: quick ? 2_000 : 100_000,
    createsPerRun: quick ? 100 : 1_000,
    createConcurrency: 16,
    importSubjects: 100,
    resultsPath: typeof flags.get('out') === 'string' ? String(flags.get('out')) : DEFAULT_RESULTS_PATH,
    note: typeof flags.get('note') === 'string' ? String(flags.get('note')) : undefined,
    only,
  };
}
