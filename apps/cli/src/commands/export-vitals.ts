import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const EXPORT_FORMAT_NAMES = ['csv', 'fhir', 'sdtm'] as const;
export type ExportFormatName = (typeof EXPORT_FORMAT_NAMES)[number];

export interface ExportVitalsOptions {
  study?: string;
  subject?: string;
  format: ExportFormatName;
  from?: string;
  to?: string;
  gateway: string;
  token?: string;
  output?: string;
}

/** The gateway's export address of each format (README "For partners"). */
function exportPath(options: ExportVitalsOptions): string {
  const owner = options.subject ? `subjects/${encodeURIComponent(options.subject)}` : `studies/${encodeURIComponent(options.study ?? '')}`;
  const file = { csv: 'vitals.csv', fhir: 'vitals.ndjson', sdtm: 'sdtm/vs.csv' }[options.format];
  const query = new URLSearchParams({
    ...(options.format === 'fhir' ? { format: 'fhir' } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  });
  return `/api/v1/${owner}/${file}${query.size > 0 ? `?${query.toString()}` : ''}`;
}

/**
 * `trialgraph export`: streams a study's (or a subject's) vital signs from the gateway to a file
 * or standard output, as it arrives. Returns the exit code: 0 written whole, 1 refused or cut short.
 */
export async function exportVitals(options: ExportVitalsOptions): Promise<number> {
  if (!options.study && !options.subject) {
    process.stderr.write('give --study <id> or --subject <id>\n');
    return 1;
  }
  const url = new URL(exportPath(options), options.gateway);
  let response: Response;
  try {
    response = await fetch(url, { headers: options.token ? { authorization: `Bearer ${options.token}` } : {} });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    process.stderr.write(`cannot reach the gateway at ${options.gateway} (${cause}): is trialgraph running there?\n`);
    return 1;
  }
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => undefined)) as { errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
    const [error] = body?.errors ?? [];
    process.stderr.write(
      `export refused (HTTP ${response.status}${error?.extensions?.code ? `, ${error.extensions.code}` : ''}): ${error?.message ?? response.statusText}\n`,
    );
    return 1;
  }
  const out: Writable = options.output ? createWriteStream(options.output) : process.stdout;
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), out);
  } catch (error) {
    process.stderr.write(`the export was cut short (${(error as Error).message}); the file is incomplete\n`);
    return 1;
  }
  if (options.output) process.stderr.write(`wrote ${response.headers.get('x-export-readings') ?? 'the'} readings to ${options.output}\n`);
  return 0;
}
