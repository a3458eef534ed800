// What server commands can see of the node they run on.
import type { Store } from '@redisraft-wasm/store';
import type { NodeConfig } from './config/index.js';
import type { ClientSession } from './session.js';
import type { TableEntry } from './server-command.js';
import type { RefusalLog } from './refusal-log.js';
import type { PubSubHub } from './pubsub/hub.js';

export interface NodeStats {
  connectionsReceived: number;
  commandsProcessed: number;
  rejectedConnections: number;
  outputLimitDisconnections: number;
  protocolErrors: number;
  netInputBytes: number;
  netOutputBytes: number;
}

export interface NodeContext {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly sessions: ReadonlyMap<number, ClientSession>;
  readonly table: ReadonlyMap<string, TableEntry>;
  readonly stats: NodeStats;
  readonly startedAtMs: number;
  readonly version: string;
  readonly tcpPort: number;
  readonly runId: string;
  /** Extra INFO sections by lowercase name (e.g. raft), added by later layers. */
  readonly infoSections: Map<string, () => string>;
  /** Lines other layers add to INFO memory (the scripting engine's caches and VMs). */
  readonly memoryInfo: (() => string[])[];
  /** Rate-limited warnings about refused requests (internal commands, peer credentials). */
  readonly refusals: RefusalLog;
  /** This node's Pub/Sub subscribers. */
  readonly pubsub: PubSubHub;
}
