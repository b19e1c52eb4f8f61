import type { Remote } from '../remote/Remote.js';

/**
 * Opens the connections of `diffFleet`'s servers in fleet order, `ahead`
 * servers past the one whose read starts (`reached`). A read needs its
 * server's handshake done, and blink's own work for a server (its files,
 * then its plan) runs on one thread: while that thread is busy with the
 * servers being read, the next ones' handshakes use the other CPUs, or wait
 * on the network. At most `ahead` more connections are being opened than
 * servers read at once.
 */
export function openAhead(remotes: readonly (() => Remote)[], ahead: number): { reached(index: number): void } {
  let next = 0;
  return {
    reached(index) {
      const until = Math.min(remotes.length, index + 1 + ahead);
      // open() is shared: the read's own open() of a server opened here awaits the same handshake.
      while (next < until) void remotes[next++]!().open();
    },
  };
}
