import type { Failure, Remote } from '../remote/Remote.js';

/** Opens servers' connections for `diffFleet`, in fleet order, ahead of their reads. */
export interface OpenAhead {
  /**
   * The server at `index` is being read now: resolves once its connection is
   * being opened, in its turn, with that open's promise (and lets the opener
   * run up to `limit` servers past it). A read sent before then would make a
   * connection of its own.
   */
  turn(index: number): Promise<{ opened: Promise<Failure | undefined> }>;
}

/**
 * A read needs its server's handshake done, and blink's own work for a server
 * (its files, then its plan) runs on one thread: while that thread is busy
 * with the servers being read, the handshakes of the next ones can use the
 * other CPUs. So connections are opened in fleet order up to `limit` servers
 * ahead of the reads, never more than `limit` handshakes at once (a bastion's
 * sshd drops unauthenticated connections beyond MaxStartups, 10 by default).
 * A read that comes before its server's turn waits for it, so every open
 * keeps to the bound.
 */
export function openAhead(remotes: readonly (() => Remote)[], limit: number): OpenAhead {
  const started = new Map<number, { opened: Promise<Failure | undefined> }>();
  const waiting = new Map<number, (s: { opened: Promise<Failure | undefined> }) => void>();
  let next = 0;
  let frontier = 0;
  let inFlight = 0;
  const pump = (): void => {
    while (inFlight < limit && next < remotes.length && next < frontier) {
      const i = next++;
      inFlight++;
      const s = { opened: remotes[i]!().open() };
      started.set(i, s);
      waiting.get(i)?.(s);
      waiting.delete(i);
      const done = (): void => {
        inFlight--;
        pump();
      };
      s.opened.then(done, done);
    }
  };
  return {
    turn(index) {
      frontier = Math.max(frontier, index + 1 + limit);
      const s = started.get(index);
      const turn = s ? Promise.resolve(s) : new Promise<{ opened: Promise<Failure | undefined> }>((r) => waiting.set(index, r));
      pump();
      return turn;
    },
  };
}
