import { serverScript } from './serverScript.js';

export type ApplyScriptName = 'read' | 'fetch' | 'lock' | 'stage' | 'swap' | 'rollback' | 'commit' | 'resources';

/** A server-side script of blink-apply: see serverScript. */
export function applyScript(name: ApplyScriptName): string {
  return serverScript('apply', name);
}
