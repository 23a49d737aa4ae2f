import { cpus, loadavg, release, totalmem, type } from 'node:os';
import postgres from 'postgres';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

/** What a reader needs to compare a figure with their own machine's. */
export async function readMachineInfo(postgresUrl: string): Promise<MachineInfo> {
  const sql = postgres(postgresUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<Array<{ version: string }>>`select current_setting('server_version') as version`;
    return {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      os: `${type()} ${release()}`,
      node: process.version,
      postgres: row?.version ?? 'unknown',
      loadAverageAtStart: loadAverage(),
    };
  } finally {
    await sql.end();
  }
}

export function loadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}
