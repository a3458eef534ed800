// PUBLISH and SPUBLISH (Redis pubsub.c) as data commands: they travel
// through the log like writes, so every node delivers each message to its
// own subscribers when it applies the entry, in the log's order. The reply
// is the number of receivers on the node that answers.
import { int } from '@redisraft-wasm/resp';
import type { StoreCommand } from './command-spec.js';

const flags = ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'] as const;

export const pubsubCommands: readonly StoreCommand[] = [
  { name: 'publish', arity: 3, flags: [...flags], firstKey: 0, lastKey: 0, keyStep: 0, group: 'pubsub', summary: 'Posts a message to a channel.', since: '2.0.0',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler: (ctx, argv) => int(ctx.events.publish(argv[1]!, argv[2]!, false)) },
  { name: 'spublish', arity: 3, flags: [...flags], firstKey: 1, lastKey: 1, keyStep: 1, group: 'pubsub', summary: 'Post a message to a shard channel', since: '7.0.0',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler: (ctx, argv) => int(ctx.events.publish(argv[1]!, argv[2]!, true)) },
];
