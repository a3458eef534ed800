// PUBLISH and SPUBLISH (Redis pubsub.c) as data commands: they travel
// through the log like writes, so every node delivers each message to its
// own subscribers when it applies the entry, in the log's order. The reply
// is the number of receivers on the node that answers.
import { error, int, type Reply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';

const flags = ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'] as const;

/** Delivered on this node only, outside the log, it would reach one node's subscribers: never as a read. */
function publish(sharded: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    if (ctx.readOnly) return error(`ERR '${sharded ? 'spublish' : 'publish'}' writes and cannot run as a read`);
    return int(ctx.events.publish(argv[1]!, argv[2]!, sharded));
  };
}

export const pubsubCommands: readonly StoreCommand[] = [
  { name: 'publish', arity: 3, flags: [...flags], firstKey: 0, lastKey: 0, keyStep: 0, group: 'pubsub', summary: 'Posts a message to a channel.', since: '2.0.0',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler: publish(false) },
  { name: 'spublish', arity: 3, flags: [...flags], firstKey: 1, lastKey: 1, keyStep: 1, group: 'pubsub', summary: 'Post a message to a shard channel', since: '7.0.0',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler: publish(true) },
];
