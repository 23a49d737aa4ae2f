#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { startStack, type StackPorts } from './commands/start-stack.js';

const program = new Command()
  .name('trialgraph')
  .description('Run and feed the trialgraph clinical-trial GraphQL platform');

program
  .command('start')
  .description('start the gateway and the subgraphs on this machine (embedded database unless URLs are set)')
  .option('--gateway-port <port>', 'the port the gateway listens on', parsePort, 4000)
  .option('--subjects-port <port>', 'the port the subjects subgraph listens on', parsePort, 4001)
  .option('--vitals-port <port>', 'the port the vitals subgraph listens on', parsePort, 4002)
  .action(async (options: StackPorts) => {
    await startStack(options);
  });

await program.parseAsync();

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('must be a port number');
  return port;
}
