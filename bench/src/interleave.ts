import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--expose-gc');
/** Collects garbage between timed runs so one run's leftovers are not billed to the next. */
const collectGarbage = runInNewContext('gc') as () => void;

export interface Contender<Sample> {
  name: string;
  run(): Promise<Sample>;
}

/**
 * Runs each contender `runs` times, round-robin and with the order rotated each round, so
 * that a slow minute of a shared machine falls on all of them rather than on one.
 * Returns the samples of each contender in run order.
 */
export async function runInterleaved<Sample>(
  contenders: ReadonlyArray<Contender<Sample>>,
  options: { runs: number; before?: (name: string) => Promise<void>; log?: (line: string) => void },
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < options.runs; round++) {
    for (let index = 0; index < contenders.length; index++) {
      const contender = contenders[(index + round) % contenders.length]!;
      await options.before?.(contender.name);
      collectGarbage();
      const sample = await contender.run();
      samples.get(contender.name)!.push(sample);
      options.log?.(`  run ${round + 1}/${options.runs} ${contender.name}: ${JSON.stringify(sample)}`);
    }
  }
  return samples;
}
