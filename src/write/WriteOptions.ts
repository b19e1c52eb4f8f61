import { nodeOutFs, type OutFs } from './OutFs.js';

export interface WriteOptions {
  /** @default the real disk */
  fs?: OutFs;
  /**
   * Which out/ paths this run owns (a `--host`/`--server` selection; folders
   * are asked with a trailing `/`). Entries outside it are neither reported
   * nor removed. @default every path
   */
  scope?: (rel: string) => boolean;
}

export interface ResolvedWriteOptions {
  fs: OutFs;
  scope: ((rel: string) => boolean) | undefined;
}

/** The third argument of writeOut/checkOut is a bare OutFs or the options object. */
export function resolveWriteOptions(arg: OutFs | WriteOptions | undefined): ResolvedWriteOptions {
  if (arg !== undefined && isOutFs(arg)) return { fs: arg, scope: undefined };
  return { fs: arg?.fs ?? nodeOutFs, scope: arg?.scope };
}

function isOutFs(arg: OutFs | WriteOptions): arg is OutFs {
  return typeof (arg as Partial<OutFs>).read === 'function';
}
