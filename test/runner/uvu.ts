/**
 * uvu's `suite`, `test` and `exec`, as test files get them under test/run.ts (see
 * resolveUvu.ts), so that every failure says why. uvu 0.5 loses a throwing `before` hook
 * (the `return` in its runner's `finally` swallows it: the suite's tests are counted
 * failed with no reason), lets a throwing `after` hook reject the whole run, re-runs a
 * throwing `after.each` and then abandons the suite silently, and crashes on a thrown
 * non-Error while formatting it. Here:
 * - `before` failures are recorded (run.ts prints and counts them) and rethrown, so the
 *   suite's tests do not run;
 * - `after` and `after.each` failures are recorded and not rethrown, so every cleanup runs;
 * - a `before.each` failure fails its test, with a message naming the hook;
 * - anything thrown that is not an Error becomes one that shows the value.
 */
import { exec, suite as uvuSuite } from 'uvu';
import type { Callback, Test } from 'uvu';
import { inspect } from 'node:util';

export { exec };

export type HookName = 'before' | 'after' | 'before.each' | 'after.each';

export interface HookFailure {
  suite: string;
  hook: HookName;
  /** The test an `after.each` ran after. */
  test?: string;
  error: Error;
}

const failures: HookFailure[] = [];

/** The hook failures recorded since the last call (run.ts takes them after each suite). */
export function takeHookFailures(): HookFailure[] {
  return failures.splice(0);
}

/** What was thrown, as an Error that uvu can format: a string name, message and stack. */
function asError(thrown: unknown): Error {
  if (thrown instanceof Error && typeof thrown.message === 'string' && typeof thrown.name === 'string' && typeof thrown.stack === 'string') {
    return thrown;
  }
  const e = new Error(`threw ${inspect(thrown, { depth: 4 })}`);
  e.stack = `Error: ${e.message}`; // no frames: they would point here, not at the throw
  return e;
}

type State = { __test__?: string };

export function suite<T = Record<string, any>>(title = '', context?: T): Test<T> {
  const inner = uvuSuite<T>(title, context);
  const record = (hook: HookName, error: unknown, test?: string) => {
    failures.push({ suite: title, hook, ...(test ? { test } : {}), error: asError(error) });
  };

  const wrapTest = (handler: Callback<T>): Callback<T> => async (state) => {
    try {
      await handler(state);
    } catch (err) {
      throw asError(err);
    }
  };

  const before = (handler: Callback<T>) =>
    inner.before(async (state) => {
      try {
        await handler(state);
      } catch (err) {
        record('before', err);
        throw err;
      }
    });
  before.each = (handler: Callback<T>) =>
    inner.before.each(async (state) => {
      try {
        await handler(state);
      } catch (err) {
        const e = asError(err);
        const failure = new Error(`before.each hook failed: ${e.message}`, { cause: e });
        // uvu prints the message, then the stack's frames: the hook's, not this line's
        failure.stack = [`Error: ${failure.message}`, ...e.stack!.split('\n').filter((l) => /^\s+at /.test(l))].join('\n');
        throw failure;
      }
    });
  const after = (handler: Callback<T>) =>
    inner.after(async (state) => {
      try {
        await handler(state);
      } catch (err) {
        record('after', err);
      }
    });
  after.each = (handler: Callback<T>) =>
    inner.after.each(async (state) => {
      try {
        await handler(state);
      } catch (err) {
        record('after.each', err, (state as State).__test__);
      }
    });

  const wrapped = ((name: string, handler: Callback<T>) => inner(name, wrapTest(handler))) as Test<T>;
  wrapped.only = (name, handler) => inner.only(name, wrapTest(handler));
  wrapped.skip = (name, handler) => inner.skip(name, handler);
  wrapped.before = before;
  wrapped.after = after;
  wrapped.run = () => inner.run();
  return wrapped;
}

export const test: Test<Record<string, any>> = suite();
