// redlock 5's package.json "exports" hide its own typings from NodeNext resolution; the part the tests use.
declare module 'redlock' {
  import type { Cluster, Redis } from 'ioredis';
  export interface Lock {
    readonly value: string;
    readonly expiration: number;
    extend(duration: number): Promise<Lock>;
    release(): Promise<unknown>;
  }
  export default class Redlock {
    constructor(clients: Iterable<Redis | Cluster>, settings?: { retryCount?: number; retryDelay?: number; driftFactor?: number; retryJitter?: number });
    acquire(resources: string[], duration: number): Promise<Lock>;
  }
}
