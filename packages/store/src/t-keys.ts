// Generic key commands (Redis db.c, expire.c).
import { OK, NIL, ZERO, ONE, int, bulk, array, error, status, Errors, type Reply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, lower } from './args.js';
import { globMatch } from './glob.js';
import { inInt64, parseInt64 } from './numbers.js';
import { Notify, notify } from './notify.js';

function countKeys(ctx: CommandContext, argv: readonly Buffer[], forWrite: boolean, act?: (k: Buffer) => void): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const k = argv[i]!;
    const e = forWrite ? ctx.db.getForWrite(k, ctx.nowMs) : ctx.db.get(k, ctx.nowMs);
    if (e) { n++; act?.(k); }
  }
  return int(n);
}

type ExpireUnit = { seconds: boolean; absolute: boolean; name: string };

function expireCommand(unit: ExpireUnit) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    let nx = false, xx = false, gt = false, lt = false;
    for (let i = 3; i < argv.length; i++) {
      const o = lower(argv[i]!);
      if (o === 'nx') nx = true;
      else if (o === 'xx') xx = true;
      else if (o === 'gt') gt = true;
      else if (o === 'lt') lt = true;
      else return error(`ERR Unsupported option ${argv[i]!.toString('latin1')}`);
    }
    if (nx && (xx || gt || lt)) return error('ERR NX and XX, GT or LT options at the same time are not compatible');
    if (gt && lt) return error('ERR GT and LT options at the same time are not compatible');
    // Options are checked before the number, as Redis does.
    const raw = parseInt64(argv[2]!);
    if (raw === null) return ERR_NOT_INTEGER;
    // Redis checks int64 overflow of the multiplication and the addition.
    let w = unit.seconds ? raw * 1000n : raw;
    if (!unit.absolute) w += BigInt(ctx.nowMs);
    if (!inInt64(w) || (unit.seconds && !inInt64(raw * 1000n))) return error(`ERR invalid expire time in '${unit.name}' command`);
    const when = Number(w);
    const e = ctx.db.getForWrite(argv[1]!, ctx.nowMs);
    if (!e) return ZERO;
    const cur = e.expireAt;
    if (nx && cur !== 0) return ZERO;
    if (xx && cur === 0) return ZERO;
    if (gt && (cur === 0 || when <= cur)) return ZERO;
    if (lt && cur !== 0 && when >= cur) return ZERO;
    if (when <= ctx.nowMs) {
      ctx.db.delete(argv[1]!);
      notify(ctx, Notify.generic, 'del', argv[1]!);
    } else {
      ctx.db.setExpire(e, when);
      notify(ctx, Notify.generic, 'expire', argv[1]!);
    }
    return ONE;
  };
}

function ttlCommand(ms: boolean, absolute: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const e = ctx.db.get(argv[1]!, ctx.nowMs);
    if (!e) return int(-2);
    if (e.expireAt === 0) return int(-1);
    if (absolute) return int(ms ? e.expireAt : Math.floor(e.expireAt / 1000));
    const left = Math.max(0, e.expireAt - ctx.nowMs);
    return int(ms ? left : Math.floor((left + 500) / 1000));
  };
}

function rename(nx: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const src = ctx.db.getForWrite(argv[1]!, ctx.nowMs);
    if (!src) return error(Errors.noSuchKey);
    const same = argv[1]!.equals(argv[2]!);
    if (nx && (same || ctx.db.getForWrite(argv[2]!, ctx.nowMs))) return ZERO;
    if (same) return nx ? ZERO : OK;
    const { value, expireAt } = src;
    // As Redis: the destination is deleted, then created anew (a `new` event), then the source goes.
    ctx.db.delete(argv[2]!);
    ctx.db.set(argv[2]!, value, expireAt);
    ctx.db.delete(argv[1]!);
    notify(ctx, Notify.generic, 'rename_from', argv[1]!);
    notify(ctx, Notify.generic, 'rename_to', argv[2]!);
    return nx ? ONE : OK;
  };
}

function typeName(ctx: CommandContext, key: Buffer): string {
  return ctx.db.get(key, ctx.nowMs)?.value.type ?? 'none';
}

function flush(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  if (argv.length > 2) return ERR_SYNTAX;
  if (argv.length === 2 && !['async', 'sync'].includes(lower(argv[1]!))) return ERR_SYNTAX;
  ctx.db.flush();
  return OK;
}

function randomkey(ctx: CommandContext): Reply {
  const k = ctx.db.randomKey(ctx.random, ctx.nowMs);
  return k === null ? NIL : bulk(Buffer.from(k, 'latin1'));
}

const key1 = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'generic' } as const;
const keysAll = { firstKey: 1, lastKey: -1, keyStep: 1, group: 'generic' } as const;
const noKeys = { firstKey: 0, lastKey: 0, keyStep: 0, group: 'generic' } as const;
const server = { firstKey: 0, lastKey: 0, keyStep: 0, group: 'server' } as const;

export const keyCommands: readonly StoreCommand[] = [
  { ...keysAll, name: 'del', arity: -2, flags: ['write'], summary: 'Deletes one or more keys.', since: '1.0.0',
    handler: (ctx, argv) => countKeys(ctx, argv, true, (k) => { ctx.db.delete(k); notify(ctx, Notify.generic, 'del', k); }) },
  { ...keysAll, name: 'unlink', arity: -2, flags: ['write', 'fast'], summary: 'Asynchronously deletes one or more keys.', since: '4.0.0',
    handler: (ctx, argv) => countKeys(ctx, argv, true, (k) => { ctx.db.delete(k); notify(ctx, Notify.generic, 'del', k); }) },
  { ...keysAll, name: 'exists', arity: -2, flags: ['readonly', 'fast'], summary: 'Determines whether one or more keys exist.', since: '1.0.0',
    handler: (ctx, argv) => countKeys(ctx, argv, false) },
  { ...keysAll, name: 'touch', arity: -2, flags: ['readonly', 'fast'], summary: 'Returns the number of existing keys out of those specified after updating the time they were last accessed.', since: '3.2.1',
    handler: (ctx, argv) => countKeys(ctx, argv, false) },
  { ...key1, name: 'type', arity: 2, flags: ['readonly', 'fast'], summary: 'Determines the type of value stored at a key.', since: '1.0.0',
    handler: (ctx, argv) => status(typeName(ctx, argv[1]!)) },
  { ...key1, name: 'expire', arity: -3, flags: ['write', 'fast'], summary: 'Sets the expiration time of a key in seconds.', since: '1.0.0', handler: expireCommand({ seconds: true, absolute: false, name: 'expire' }) },
  { ...key1, name: 'pexpire', arity: -3, flags: ['write', 'fast'], summary: 'Sets the expiration time of a key in milliseconds.', since: '2.6.0', handler: expireCommand({ seconds: false, absolute: false, name: 'pexpire' }) },
  { ...key1, name: 'expireat', arity: -3, flags: ['write', 'fast'], summary: 'Sets the expiration time of a key to a Unix timestamp.', since: '1.2.0', handler: expireCommand({ seconds: true, absolute: true, name: 'expireat' }) },
  { ...key1, name: 'pexpireat', arity: -3, flags: ['write', 'fast'], summary: 'Sets the expiration time of a key to a Unix milliseconds timestamp.', since: '2.6.0', handler: expireCommand({ seconds: false, absolute: true, name: 'pexpireat' }) },
  { ...key1, name: 'ttl', arity: 2, flags: ['readonly', 'fast', 'random'], summary: 'Returns the expiration time in seconds of a key.', since: '1.0.0', handler: ttlCommand(false, false) },
  { ...key1, name: 'pttl', arity: 2, flags: ['readonly', 'fast', 'random'], summary: 'Returns the expiration time in milliseconds of a key.', since: '2.6.0', handler: ttlCommand(true, false) },
  { ...key1, name: 'expiretime', arity: 2, flags: ['readonly', 'fast'], summary: 'Returns the expiration time of a key as a Unix timestamp.', since: '7.0.0', handler: ttlCommand(false, true) },
  { ...key1, name: 'pexpiretime', arity: 2, flags: ['readonly', 'fast'], summary: 'Returns the expiration time of a key as a Unix milliseconds timestamp.', since: '7.0.0', handler: ttlCommand(true, true) },
  { ...key1, name: 'persist', arity: 2, flags: ['write', 'fast'], summary: 'Removes the expiration time of a key.', since: '2.2.0',
    handler: (ctx, argv) => {
      const e = ctx.db.getForWrite(argv[1]!, ctx.nowMs);
      if (!e || e.expireAt === 0) return ZERO;
      ctx.db.setExpire(e, 0);
      notify(ctx, Notify.generic, 'persist', argv[1]!);
      return ONE;
    } },
  { ...key1, name: 'rename', arity: 3, lastKey: 2, flags: ['write'], summary: 'Renames a key and overwrites the destination.', since: '1.0.0', handler: rename(false) },
  { ...key1, name: 'renamenx', arity: 3, lastKey: 2, flags: ['write', 'fast'], summary: 'Renames a key only when the target key name doesn\'t exist.', since: '1.0.0', handler: rename(true) },
  { ...noKeys, name: 'keys', arity: 2, flags: ['readonly'], summary: 'Returns all key names that match a pattern.', since: '1.0.0',
    handler: (ctx, argv) => { const out: Reply[] = []; const pat = argv[1]!; for (const [k] of ctx.db.entries(ctx.nowMs)) { const kb = Buffer.from(k, 'latin1'); if (globMatch(pat, kb)) out.push(bulk(kb)); } return array(out); } },
  { ...noKeys, name: 'randomkey', arity: 1, flags: ['readonly', 'random'], summary: 'Returns a random key name from the database.', since: '1.0.0', handler: (ctx) => randomkey(ctx) },
  { ...server, name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], summary: 'Returns the number of keys in the database.', since: '1.0.0', handler: (ctx) => int(ctx.db.size) },
  { ...server, name: 'flushdb', arity: -1, flags: ['write'], summary: 'Remove all keys from the current database.', since: '1.0.0', handler: flush },
  { ...server, name: 'flushall', arity: -1, flags: ['write'], summary: 'Removes all keys from all databases.', since: '1.0.0', handler: flush },
];
