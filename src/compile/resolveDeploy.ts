import { posix } from 'node:path';
import type { ClientsFile } from '../model/ClientsFile.js';
import type { DeploySettings } from '../model/Fleet.js';
import { DEPLOY_DEFAULTS } from './defaults.js';

/**
 * clients.yaml's `deploy:` block with its defaults applied. A relative
 * repository is resolved against the config folder, like a server's `root`;
 * without one the key stays absent (the repository holding the config folder).
 * `releases_dir` is not kept here: it becomes each instance's `releaseDir`.
 */
export function resolveDeploy(file: ClientsFile, configDir: string): DeploySettings {
  const d = file.deploy ?? {};
  return {
    ...(d.repository !== undefined ? { repository: posix.resolve(configDir, d.repository) } : {}),
    addonsDir: d.addons_dir ?? DEPLOY_DEFAULTS.addons_dir,
    keep: d.keep ?? DEPLOY_DEFAULTS.keep,
    ...(d.notify !== undefined ? { notify: d.notify } : {}),
  };
}
