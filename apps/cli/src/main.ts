#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { EXPORT_FORMAT_NAMES, exportVitals, type ExportFormatName, type ExportVitalsOptions } from './commands/export-vitals.js';
import { importFile, type ImportFileOptions } from './commands/import-file.js';
import { startStack, type StackPorts } from './commands/start-stack.js';
import { printToken, type TokenOptions } from './commands/token.js';
import { validateFile } from './commands/validate-file.js';

const program = new Command().name('trialgraph').description('Run and feed the trialgraph clinical-trial GraphQL platform');

program
  .command('start')
  .description('start the gateway and the subgraphs on this machine (embedded database unless URLs are set)')
  .option('--gateway-port <port>', 'the port the gateway listens on', parsePort, 4000)
  .option('--subjects-port <port>', 'the port the subjects subgraph listens on', parsePort, 4001)
  .option('--vitals-port <port>', 'the port the vitals subgraph listens on', parsePort, 4002)
  .action(async (options: StackPorts) => {
    await startStack(options);
  });

program
  .command('import')
  .description('import a CSV file of vital signs into a study, through the gateway')
  .argument('<file>', 'the CSV file')
  .requiredOption('--study <id>', 'the id of the study the subjects belong to')
  .option('--gateway <url>', 'the gateway address', 'http://localhost:4000/')
  .option('--token <jwt>', 'a bearer token (see `trialgraph token`)')
  .option('--abort-on-error', 'store nothing if any row is bad (onError: ABORT)')
  .option('--dry-run', 'check and report everything, store nothing')
  .option('--timezone <zone>', 'IANA zone of record_time values without an offset', 'UTC')
  .option('--json', 'print the report as JSON')
  .option('--errors-csv [path]', 'write the row errors to a CSV file (default: FILE.errors.csv)')
  .action(async (file: string, options: ImportFileOptions) => {
    process.exitCode = await importFile(file, options);
  });

program
  .command('export')
  .description('export vital signs through the gateway as CSV (re-importable), FHIR R4 NDJSON or CDISC SDTM VS')
  .option('--study <id>', 'the study to export')
  .option('--subject <id>', 'export one subject instead')
  .option('--format <format>', 'csv, fhir or sdtm', parseExportFormat, 'csv')
  .option('--from <time>', 'only readings at or after this ISO 8601 time')
  .option('--to <time>', 'only readings at or before this ISO 8601 time')
  .option('--gateway <url>', 'the gateway address', 'http://localhost:4000/')
  .option('--token <jwt>', 'a bearer token (see `trialgraph token`)')
  .option('--output <file>', 'write to this file instead of standard output')
  .action(async (options: ExportVitalsOptions) => {
    process.exitCode = await exportVitals(options);
  });

program
  .command('validate')
  .description('check a CSV file of vital signs offline with the import parser, storing nothing')
  .argument('<file>', 'the CSV file')
  .option('--timezone <zone>', 'IANA zone of record_time values without an offset', 'UTC')
  .option('--json', 'print the report as JSON')
  .action(async (file: string, options: { timezone: string; json?: boolean }) => {
    process.exitCode = await validateFile(file, options);
  });

program
  .command('token')
  .description('print a signed token for local use (JWT_SECRET, or the development secret of `trialgraph start`)')
  .requiredOption('--role <role>', 'ADMIN, INVESTIGATOR, COORDINATOR, MONITOR or PARTNER (repeatable)', collect, [])
  .option('--study <id>', 'a study the user acts in (repeatable)', collect, [])
  .option('--site <id>', 'a site of a site-scoped role (repeatable)', collect, [])
  .option('--subject <name>', 'who the token names (the audit trail records it)')
  .option('--expires <duration>', 'lifetime, e.g. 30m, 8h (at most JWT_MAX_TTL_MS, 24 h by default)', '8h')
  .option('--gateway <url>', 'where to look up the study of --site', 'http://localhost:4000/')
  .action(async (options: TokenOptions) => {
    process.exitCode = await printToken(options);
  });

await program.parseAsync();

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseExportFormat(value: string): ExportFormatName {
  const format = value.toLowerCase();
  if (!(EXPORT_FORMAT_NAMES as readonly string[]).includes(format)) throw new InvalidArgumentError(`must be one of ${EXPORT_FORMAT_NAMES.join(', ')}`);
  return format as ExportFormatName;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('must be a port number');
  return port;
}
