import { createRequire } from 'node:module';
import type * as DiffLibrary from 'diff';

// The diff library (21 files, ~8 ms to load) is loaded the first time a file's
// change is shown: a diff with nothing to change, the repeated run, never needs it.
let library: typeof DiffLibrary | undefined;

export const diffLibrary = (): typeof DiffLibrary => (library ??= createRequire(import.meta.url)('diff') as typeof DiffLibrary);
