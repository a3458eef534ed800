// The subscribing side of Pub/Sub and PUBSUB introspection: server
// commands, since subscriptions are connection state on one node and never
// travel through the log (PUBLISH does: it is a data command in the store).
import { array, bulk, encodeReply, error, int, raw, status, Errors, type Reply } from '@redisraft-wasm/resp';
import type { NodeContext } from '../node-context.js';
import type { ClientSession } from '../session.js';
import { NO_KEYS, type ServerCommand } from '../server-command.js';
import type { SubscriptionKind } from './hub.js';

/** A command answered with several frames (one per channel) as one reply, in the client's protocol. */
function frames(session: ClientSession, replies: readonly Reply[]): Reply {
  if (replies.length === 1) return replies[0]!;
  return raw(Buffer.concat(replies.map((r) => encodeReply(r, session.proto))));
}

// The node server runs these in program order behind the client's commands still in the log (see inProgramOrder).
function subscribe(kind: SubscriptionKind) {
  return (node: NodeContext, session: ClientSession, argv: Buffer[]): Reply => frames(session, node.pubsub.subscribe(session, kind, argv.slice(1)));
}

function unsubscribe(kind: SubscriptionKind) {
  return (node: NodeContext, session: ClientSession, argv: Buffer[]): Reply => frames(session, node.pubsub.unsubscribe(session, kind, argv.slice(1)));
}

const HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

/** PUBSUB CHANNELS | NUMSUB | NUMPAT | SHARDCHANNELS | SHARDNUMSUB: what this node's clients are subscribed to. */
function pubsub(node: NodeContext, _session: ClientSession, argv: Buffer[]): Reply {
  const sub = argv[1]!.toString('latin1').toLowerCase();
  const hub = node.pubsub;
  const syntax = () => error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]!.toString('latin1')}'. Try PUBSUB HELP.`);
  switch (sub) {
    case 'channels':
    case 'shardchannels':
      if (argv.length > 3) return syntax();
      return array(hub.activeChannels(sub === 'shardchannels', argv[2]).map((c) => bulk(c)));
    case 'numsub':
    case 'shardnumsub':
      return array(argv.slice(2).flatMap((c) => [bulk(c), int(hub.subscriberCount(sub === 'shardnumsub', c))]));
    case 'numpat':
      return argv.length === 2 ? int(hub.patternCount) : error(Errors.wrongArity('pubsub|numpat'));
    case 'help':
      return argv.length === 2 ? array(HELP.map((l) => status(l))) : error(Errors.wrongArity('pubsub|help'));
    default:
      return error(`ERR unknown subcommand '${argv[1]!.toString('latin1')}'. Try PUBSUB HELP.`);
  }
}

const ps = { ...NO_KEYS, group: 'pubsub' } as const;
const flags = ['pubsub', 'noscript', 'loading', 'stale'] as const;
const shardKeys = { firstKey: 1, lastKey: -1, keyStep: 1 } as const;

export const pubsubCommands: readonly ServerCommand[] = [
  { ...ps, name: 'subscribe', arity: -2, flags: [...flags], summary: 'Listens for messages published to channels.', since: '2.0.0', handler: subscribe('channel') },
  { ...ps, name: 'unsubscribe', arity: -1, flags: [...flags], summary: 'Stops listening to messages posted to channels.', since: '2.0.0', handler: unsubscribe('channel') },
  { ...ps, name: 'psubscribe', arity: -2, flags: [...flags], summary: 'Listens for messages published to channels that match one or more patterns.', since: '2.0.0', handler: subscribe('pattern') },
  { ...ps, name: 'punsubscribe', arity: -1, flags: [...flags], summary: 'Stops listening to messages published to channels that match one or more patterns.', since: '2.0.0', handler: unsubscribe('pattern') },
  { ...ps, ...shardKeys, name: 'ssubscribe', arity: -2, flags: [...flags], summary: 'Listens for messages published to shard channels.', since: '7.0.0', handler: subscribe('shard') },
  { ...ps, ...shardKeys, name: 'sunsubscribe', arity: -1, flags: [...flags], summary: 'Stops listening to messages posted to shard channels.', since: '7.0.0', handler: unsubscribe('shard') },
  { ...ps, name: 'pubsub', arity: -2, flags: [], summary: 'A container for Pub/Sub commands.', since: '2.8.0', handler: pubsub },
];

/**
 * Pub/Sub's server commands act on this node at once, while the client's
 * earlier commands may still be in the log: a pipelined UNSUBSCRIBE must
 * not overtake the PUBLISH before it. These wait for the replies before
 * them (and the node holds what the client sends after them meanwhile).
 */
export function inProgramOrder(name: string): boolean {
  return SUBSCRIBE_FAMILY.has(name);
}

const SUBSCRIBE_FAMILY = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'pubsub']);

/** What a RESP2 client may still send while subscribed (Redis 7). */
const SUBSCRIBED_CONTEXT = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** Commands with subcommands, which Redis names as `container|sub` in the refusal. */
const CONTAINERS = new Set(['acl', 'client', 'cluster', 'command', 'config', 'function', 'latency', 'memory', 'module', 'object', 'pubsub', 'script', 'slowlog', 'xgroup', 'xinfo']);

/** Whether a subscribed RESP2 client may run the command. */
export function allowedWhileSubscribed(name: string): boolean {
  return SUBSCRIBED_CONTEXT.has(name);
}

/** Redis 7's refusal of any other command. */
export function subscribedOnlyError(name: string, argv: readonly Buffer[]): Reply {
  const full = CONTAINERS.has(name) && argv.length > 1 ? `${name}|${argv[1]!.toString('latin1').toLowerCase()}` : name;
  return error(`ERR Can't execute '${full}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
}
