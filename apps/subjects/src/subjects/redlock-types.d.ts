/**
 * The part of redlock 5.0.0-beta.2 this app uses. The package ships full types, but its
 * `exports` map has no `types` condition, so TypeScript's NodeNext resolution cannot find
 * them (TS7016); this ambient declaration stands in until a release fixes the map.
 */
declare module 'redlock' {
  import type { EventEmitter } from 'node:events';
  import type { Cluster, Redis } from 'ioredis';

  type Client = Redis | Cluster;

  export interface Settings {
    readonly driftFactor: number;
    readonly retryCount: number;
    readonly retryDelay: number;
    readonly retryJitter: number;
    readonly automaticExtensionThreshold: number;
  }

  export interface ExecutionStats {
    readonly membershipSize: number;
    readonly quorumSize: number;
    readonly votesFor: Set<Client>;
    readonly votesAgainst: Map<Client, Error>;
  }

  export class ResourceLockedError extends Error {}

  export class ExecutionError extends Error {
    readonly attempts: ReadonlyArray<Promise<ExecutionStats>>;
  }

  export class Lock {
    readonly resources: string[];
    readonly value: string;
    /** When the lock stops being valid, in epoch milliseconds, allowing for clock drift. */
    expiration: number;
    release(): Promise<{ attempts: ReadonlyArray<Promise<ExecutionStats>> }>;
  }

  export default class Redlock extends EventEmitter {
    constructor(clients: Iterable<Client>, settings?: Partial<Settings>);
    acquire(resources: string[], duration: number, settings?: Partial<Settings>): Promise<Lock>;
  }
}
