/**
 * A module resolve hook that test/run.ts registers: a test file's `import … from 'uvu'`
 * gets ./uvu.ts, the same API with hooks that report their failures; that file's own
 * import of 'uvu' gets the real one. Test files keep uvu's documented import.
 */
import type { ResolveHook } from 'node:module';

const WRAPPER = new URL('./uvu.ts', import.meta.url).href;

export const resolve: ResolveHook = (specifier, context, nextResolve) =>
  specifier === 'uvu' && context.parentURL !== WRAPPER ? { url: WRAPPER, shortCircuit: true } : nextResolve(specifier, context);
