import { fileURLToPath } from 'node:url';

/** The soak's knobs: how long, and the fixed rates of its mix. */
export interface SoakOptions {
  /** Load after the warm-up: the interval whose growth of RSS and open handles is judged. */
  minutes: number;
  /** Where the JSON report goes. */
  resultsPath: string;
  readsPerSecond: number;
  createsPerSecond: number;
  smallImportsPerSecond: number;
  smallImportRows: number;
  /** The one large import, started with the run: 100,000 rows a minute of soak, at most 1,000,000. */
  largeImportRows: number;
  /**
   * Before the start figures: the mix runs and the large import runs to its end, at least this
   * long. A process just started grows for a while (V8 enlarges its young generation under load:
   * the gateway went 137 → 172 MB in its first minute, then stayed within 168–176 MB for two).
   */
  minimumWarmupSeconds: number;
  /** RSS and open handles are the median of this many samples, one a second, at start and at end. */
  footprintSamples: number;
}

export const DEFAULT_SOAK_RESULTS_PATH = fileURLToPath(new URL('../../results/soak-latest.json', import.meta.url));

const USAGE = `usage: npm run soak -- [--minutes N] [--out path.json]
  --minutes N   how long the load runs after the warm-up, fractions allowed (default 10)
  --out path    where the JSON report is written (default bench/results/soak-latest.json)
`;

export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  let minutes = 10;
  let resultsPath = DEFAULT_SOAK_RESULTS_PATH;
  for (let index = 0; index < argv.length; index++) {
    const [name, inline] = argv[index]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++index] ?? '';
    if (name === '--help' || name === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (name === '--minutes') {
      const given = value();
      minutes = Number(given);
      if (!Number.isFinite(minutes) || minutes < 0.5 || minutes > 24 * 60)
        throw new Error(`--minutes must be a number from 0.5 to 1440, got "${given}"\n${USAGE}`);
    } else if (name === '--out') {
      resultsPath = value();
    } else {
      throw new Error(`unknown argument ${name}\n${USAGE}`);
    }
  }
  return {
    minutes,
    resultsPath,
    readsPerSecond: 6,
    createsPerSecond: 2,
    smallImportsPerSecond: 0.2,
    smallImportRows: 500,
    largeImportRows: Math.min(1_000_000, Math.round(minutes * 100_000)),
    minimumWarmupSeconds: 30,
    footprintSamples: 3,
  };
}
