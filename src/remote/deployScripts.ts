import { serverScript } from './serverScript.js';

export type DeployScriptName = 'read' | 'upload' | 'journal' | 'switch' | 'update' | 'backup' | 'finish';

/** A server-side script of blink-deploy: see serverScript. */
export function deployScript(name: DeployScriptName): string {
  return serverScript('deploy', name);
}
