// Clients blocked on keys (BLPOP, XREAD BLOCK and friends), held on the
// leader between attempts until what they wait for has arrived.

export type BlockOutcome = 'ready' | 'timeout' | 'lost' | 'gone';

/** The part of a client socket the wait needs: whether it is gone, and its close event. */
export interface ClosingSocket {
  readonly destroyed: boolean;
  once(ev: 'close', f: () => void): unknown;
  off(ev: 'close', f: () => void): unknown;
}

interface Waiter {
  /** True once the client's command can be served (a key it waits on has data). */
  readonly ready: () => boolean;
  readonly done: (outcome: BlockOutcome) => void;
}

export class BlockedClients {
  private waiters: Waiter[] = [];

  /**
   * Holds a client until `ready()` holds after an apply ('ready': the command
   * is tried again), the deadline passes, the node stops leading ('lost') or
   * the client goes away ('gone'). Checked at once, so data applied since
   * the attempt is not missed.
   */
  wait(ready: () => boolean, deadlineMs: number, socket: ClosingSocket, leading: boolean): Promise<BlockOutcome> {
    if (!leading) return Promise.resolve('lost');
    if (socket.destroyed) return Promise.resolve('gone');
    if (ready()) return Promise.resolve('ready');
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const onClose = () => finish('gone');
      const waiter: Waiter = { ready, done: (o) => finish(o) };
      const finish = (o: BlockOutcome) => {
        if (timer) clearTimeout(timer);
        socket.off('close', onClose);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(o);
      };
      if (Number.isFinite(deadlineMs)) timer = setTimeout(() => finish('timeout'), Math.max(0, deadlineMs - Date.now()));
      socket.once('close', onClose);
      this.waiters.push(waiter);
    });
  }

  /** After an apply: wakes the clients that can be served, oldest first; all of them when leadership is gone. */
  wake(leading: boolean): void {
    for (const w of [...this.waiters]) {
      if (!leading) w.done('lost');
      else if (w.ready()) w.done('ready');
    }
  }
}
