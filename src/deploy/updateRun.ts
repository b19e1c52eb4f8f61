import type { UpdateRun } from '../remote/DeployRemote.js';
import { instancePaths } from '../render/serverPaths.js';
import type { DeployContext } from './DeployContext.js';
import type { InstanceDeployPlan } from './DeployPlan.js';

/**
 * The odoo-bin run of a deploy: the instance's own odoo.conf, with the new
 * release in place of `current` on the addons path (the service keeps
 * running the old one until the switch), as the service user.
 */
export function updateRun(p: Pick<InstanceDeployPlan, 'instance' | 'to' | 'update' | 'install' | 'first'>, ctx: Pick<DeployContext, 'root' | 'run'>): UpdateRun {
  const i = p.instance;
  const R = ctx.root.replace(/\/+$/, '');
  const current = `${i.releaseDir}/current`;
  const configured = i.options.find((o) => o.key === 'addons_path')?.value.split(',').map((s) => s.trim()).filter(Boolean) ?? [...i.addonsPaths, current];
  const addons = configured.map((d) => (d === current ? `${R}${i.releaseDir}/${p.to}` : d));
  if (!configured.includes(current)) addons.push(`${R}${i.releaseDir}/${p.to}`);
  const args: string[] = [];
  if (p.update.length) args.push('-u', p.update.join(','));
  if (p.install.length) args.push('-i', p.install.join(','));
  if (p.first) args.push('--without-demo=all');
  return {
    releaseDir: i.releaseDir,
    user: i.systemUser,
    python: i.python,
    odooBin: i.odooBin,
    conf: instancePaths(i).odooConf,
    db: i.db,
    addonsPath: addons.join(','),
    log: `${i.releaseDir}/logs/${ctx.run}.log`,
    args,
  };
}
