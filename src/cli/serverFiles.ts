import { error, hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { FleetSelection } from '../apply/applyFleet.js';
import { withArtifacts } from '../apply/selectFleet.js';
import type { SourcePos } from '../diagnostics/Diagnostic.js';
import type { Artifact } from '../model/Artifact.js';
import type { Server } from '../model/Fleet.js';
import { desiredFiles, forServer, type DesiredFile } from '../plan/DesiredFile.js';
import { adminPasswdProblems, backupKeyProblems, resolveSecrets, type SecretSources, type SharedBackupKey } from '../secrets/resolveSecrets.js';
import { cachedRender, type CachedBuildOptions, type CachedCompiled, type RenderShared } from './cachedBuild.js';

/** What blink-apply compares each server with, made a server at a time. */
export interface ServerFiles {
  /** A server's desired files (rendered, secrets resolved), or why it has none; made once. */
  desiredFor(server: Server): Promise<DesiredFile[] | Diagnostic>;
  /** Every secret value used so far: any output is scrubbed of them. */
  secretValues: string[];
  /** The values each server's files hold. */
  valuesByServer: Map<string, string[]>;
  /** What making the files reported so far, with the admin_passwd and backup key checks across every server made. */
  diagnostics(): Diagnostic[];
  /** Drop a server's files (a --diff that has planned it needs them no more); asking again makes them again. */
  forget(server: Server): void;
}

export interface ServerFilesOptions {
  sources: SecretSources;
  /** A `--diff` without every secret (resolveSecrets' option). */
  allowMissing: boolean;
  production: ReadonlySet<string>;
  /** Where clients.yaml names what an artifact's secrets come from (resolveSecrets' option). */
  positionOf?: (a: Artifact) => SourcePos | undefined;
}

/**
 * Render → resolve secrets → desired files, for one server when its turn
 * comes, so a large fleet's files are made while the servers are being
 * connected to rather than all before the first connection. The files and
 * checks are those of one render of the whole selection: the template
 * engine is shared, and the checks across servers (admin_passwd, a backup
 * key shared by instances) are made over all of them by `diagnostics()`.
 */
export function serverFiles(compiled: CachedCompiled, selection: FleetSelection, inputs: Pick<CachedBuildOptions, 'cwd' | 'env' | 'configDir' | 'fs'>, o: ServerFilesOptions): ServerFiles {
  const shared: RenderShared = {};
  const made = new Map<string, Promise<DesiredFile[] | Diagnostic>>();
  const found = new Map<string, Diagnostic>();
  const adminPasswd = new Map<string, string[]>();
  const backupKeys = new Map<string, SharedBackupKey>();
  const secretValues: string[] = [];
  const seenValues = new Set<string>();
  const valuesByServer = new Map<string, string[]>();

  const make = async (server: Server): Promise<DesiredFile[] | Diagnostic> => {
    const rendered = await cachedRender(compiled, [server.name], inputs, shared);
    const { artifacts } = withArtifacts(selection, rendered.artifacts);
    const secrets = resolveSecrets(artifacts, o.sources, {
      allowMissing: o.allowMissing,
      production: o.production,
      checkAdminPasswd: false,
      checkSharedBackupKeys: false,
      ...(o.positionOf ? { positionOf: o.positionOf } : {}),
    });
    const reported = [...rendered.diagnostics, ...secrets.diagnostics];
    for (const d of reported) found.set(JSON.stringify(d), d);
    for (const [value, ids] of secrets.adminPasswd) adminPasswd.set(value, [...(adminPasswd.get(value) ?? []), ...ids]);
    for (const [value, k] of secrets.backupKeys) {
      const seen = backupKeys.get(value) ?? { instances: [], names: [] };
      backupKeys.set(value, { instances: [...seen.instances, ...k.instances], names: [...seen.names, ...k.names] });
    }
    for (const v of secrets.values) {
      if (!seenValues.has(v)) secretValues.push(v);
      seenValues.add(v);
    }
    valuesByServer.set(server.name, secrets.valuesByServer.get(server.name) ?? []);
    if (hasErrors(reported)) return error('BLINK511', `${server.name}: not read, its files could not be made (see the errors below)`);
    return forServer(desiredFiles(artifacts, secrets.contents, secrets.unresolved), server);
  };

  return {
    desiredFor(server) {
      let p = made.get(server.name);
      if (!p) made.set(server.name, (p = make(server)));
      return p;
    },
    secretValues,
    valuesByServer,
    diagnostics: () => [...found.values(), ...adminPasswdProblems(adminPasswd, o.production), ...backupKeyProblems(backupKeys)],
    forget(server) {
      made.delete(server.name);
    },
  };
}
