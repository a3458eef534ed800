// MULTI / EXEC / DISCARD / WATCH / UNWATCH. The queued commands travel as
// one log entry, applied atomically on every node; WATCHed key versions go
// in the entry too, so every node aborts the same way if one changed.
import { OK, array, error, type Reply } from '@redisraft-wasm/resp';
import type { NodeContext } from '../node-context.js';
import type { ClientSession } from '../session.js';
import { NO_KEYS, type ServerCommand } from '../server-command.js';
import type { Executor } from '../executor.js';

/** Commands that run at once even inside MULTI. */
export const TRANSACTION_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'unwatch', 'quit', 'reset']);

function unwatch(session: ClientSession, executor: Executor): void {
  session.watched.clear();
  if (session.remoteWatch) {
    session.remoteWatch = false;
    executor.endRemoteWatch?.(session);
  }
}

function endTransaction(session: ClientSession, executor: Executor): void {
  session.multi = null;
  unwatch(session, executor);
}

export function transactionCommands(executor: () => Executor): ServerCommand[] {
  const multi = (_n: NodeContext, session: ClientSession): Reply => {
    if (session.multi) return error('ERR MULTI calls can not be nested');
    session.multi = { queued: [], dirty: false };
    return OK;
  };
  const exec = (node: NodeContext, session: ClientSession): Reply | Promise<Reply> => {
    const m = session.multi;
    if (!m) return error('ERR EXEC without MULTI');
    if (m.dirty) {
      endTransaction(session, executor());
      return error('EXECABORT Transaction discarded because of previous errors.');
    }
    // The data commands travel as one entry, with the WATCHed versions: taken before the transaction state is cleared.
    // With keys watched the entry goes even when it holds no data command, so the watch is decided where it is applied.
    const data = m.queued.filter((q) => !q.server);
    const watching = session.watched.size > 0 || session.remoteWatch;
    const tx = data.length || watching ? executor().transaction(session, data.map((q) => q.argv), data.map((q) => q.spec)) : array([]);
    endTransaction(session, executor());
    if (data.length === m.queued.length) return tx;
    // Server commands (PING, ECHO, INFO, ...) run once the data commands' entry has been applied, in their places.
    const mixed = async (): Promise<Reply> => {
      const r = await tx;
      if (r.kind !== 'array') return r;
      const out: Reply[] = [];
      let d = 0;
      for (const q of m.queued) out.push(q.server ? await q.server(node, session, q.argv) : r.items[d++]!);
      return array(out);
    };
    return mixed();
  };
  const discard = (_n: NodeContext, session: ClientSession): Reply => {
    if (!session.multi) return error('ERR DISCARD without MULTI');
    endTransaction(session, executor());
    return OK;
  };
  const watch = (_n: NodeContext, session: ClientSession, argv: Buffer[]): Reply | Promise<Reply> => {
    if (session.multi) return error('ERR WATCH inside MULTI is not allowed');
    const remote = executor().watchRemote?.(session, argv.slice(1));
    if (remote) {
      session.remoteWatch = true;
      return remote;
    }
    for (const key of argv.slice(1)) {
      const v = executor().watchVersion(session, key);
      if (typeof v !== 'number') return v;
      const k = key.toString('latin1');
      if (!session.watched.has(k)) session.watched.set(k, { key, version: v });
    }
    return OK;
  };
  const tx = { ...NO_KEYS, group: 'transactions' } as const;
  return [
    { ...tx, name: 'multi', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], summary: 'Starts a transaction.', since: '1.2.0', handler: multi },
    { ...tx, name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], summary: 'Executes all commands in a transaction.', since: '1.2.0', handler: exec },
    { ...tx, name: 'discard', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], summary: 'Discards a transaction.', since: '2.0.0', handler: discard },
    { ...tx, name: 'watch', arity: -2, firstKey: 1, lastKey: -1, keyStep: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], summary: 'Monitors changes to keys to determine the execution of a transaction.', since: '2.2.0', handler: watch },
    { ...tx, name: 'unwatch', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], summary: 'Forgets about watched keys of a transaction.', since: '2.2.0',
      handler: (_n, session) => { unwatch(session, executor()); return OK; } },
  ];
}
