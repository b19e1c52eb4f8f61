import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openAhead } from '../../src/apply/openAhead.js';
import type { Failure, Remote } from '../../src/remote/Remote.js';

const s = suite('openAhead');

/** Remotes whose handshakes end when the test says; what was opened, in order, and how many at once. */
function fakes(n: number) {
  const log: number[] = [];
  const finish = new Map<number, (f?: Failure) => void>();
  let now = 0;
  let most = 0;
  const remotes = Array.from({ length: n }, (_, i) => () =>
    ({
      server: `s${i}`,
      target: `s${i}`,
      open: () => {
        log.push(i);
        most = Math.max(most, ++now);
        return new Promise<Failure | undefined>((r) => finish.set(i, (f) => ((now -= 1), r(f))));
      },
    }) as unknown as Remote,
  );
  return { remotes, log, finish: (i: number, f?: Failure) => finish.get(i)!(f), most: () => most };
}

const tick = () => new Promise((r) => setImmediate(r));

s('connections open in fleet order, up to `limit` servers past the reads and `limit` at once', async () => {
  const f = fakes(10);
  const c = openAhead(f.remotes, 2);
  const t0 = c.turn(0);
  await tick();
  // Server 0 is read, so 0, 1 and 2 may open; two handshakes at once: 0 and 1.
  assert.equal(f.log, [0, 1]);
  f.finish(0);
  await tick();
  assert.equal(f.log, [0, 1, 2]);
  // Not past the reads by more than 2, however fast the handshakes.
  f.finish(1);
  f.finish(2);
  await tick();
  assert.equal(f.log, [0, 1, 2]);
  assert.is(await (await t0).opened, undefined);
  // The read of server 1 moves the frontier on by one.
  await c.turn(1);
  await tick();
  assert.equal(f.log, [0, 1, 2, 3]);
  assert.is(f.most(), 2);
});

s("a read that comes before its server's turn waits for it; each server opens once, failures pass through", async () => {
  const f = fakes(6);
  const c = openAhead(f.remotes, 2);
  const turns = [0, 1, 2, 3].map((i) => c.turn(i));
  let third = false;
  void turns[2]!.then(() => (third = true));
  await tick();
  assert.equal(f.log, [0, 1]);
  assert.not.ok(third, 'server 2 waits for a handshake to end');
  f.finish(1, { error: 'no route to host' });
  await tick();
  assert.ok(third);
  assert.equal(await (await turns[1]!).opened, { error: 'no route to host' });
  for (const i of [0, 2, 3, 4, 5]) {
    f.finish(i);
    await tick();
  }
  await c.turn(5);
  await tick();
  assert.equal(f.log, [0, 1, 2, 3, 4, 5]);
  assert.is(f.most(), 2);
});

s.run();
