import * as crypto from 'node:crypto';
import type { Artifact, ArtifactKind } from '../model/Artifact.js';
import type { UnresolvedSecrets } from '../secrets/resolveSecrets.js';

/** An artifact with its secrets resolved: what should be on the server, byte for byte. */
export interface DesiredFile {
  server: string;
  path: string;
  kind: ArtifactKind;
  instance?: string;
  host?: string;
  role: 'managed' | 'bootstrap';
  bootstrapFor?: string;
  /** Resolved bytes; holds secret values when `sensitive`. Never printed. */
  content: Buffer;
  /** The content as rendered, references kept: what masking works from. */
  template: string;
  /** Of `content`; meaningless when `unresolved` (the bytes are not known): plan never compares it then. */
  sha256: string;
  mode: number;
  /** Absent on a server with `set_owners: false`: the file keeps the owner of whoever applies. */
  owner?: string;
  linkTarget?: string;
  sensitive: boolean;
  /**
   * Secrets this run does not have (a `--diff` without them): `content` keeps
   * their references, so its lines holding one are unknown. Never uploaded.
   */
  unresolved?: UnresolvedSecrets;
}

/** A server's desired files as apply handles them: without owners where the server does not set them. */
export function forServer(desired: readonly DesiredFile[], server: { name: string; setOwners: boolean }): DesiredFile[] {
  const mine = desired.filter((f) => f.server === server.name);
  return server.setOwners ? mine : mine.map(({ owner: _, ...rest }) => rest);
}

/** Pair each artifact with its resolved content (from resolveSecrets). */
export function desiredFiles(artifacts: readonly Artifact[], resolved: ReadonlyMap<Artifact, string>, unresolved?: ReadonlyMap<Artifact, UnresolvedSecrets>): DesiredFile[] {
  return artifacts.map((a) => {
    const text = resolved.get(a) ?? a.content;
    const content = Buffer.from(text, 'utf8');
    const d: DesiredFile = {
      server: a.server,
      path: a.path,
      kind: a.kind,
      role: a.role,
      content,
      template: a.content,
      sha256: sha256(content),
      mode: a.mode,
      owner: a.owner,
      sensitive: a.secretRefs.length > 0,
    };
    if (a.instance !== undefined) d.instance = a.instance;
    if (a.host !== undefined) d.host = a.host;
    if (a.bootstrapFor !== undefined) d.bootstrapFor = a.bootstrapFor;
    if (a.linkTarget !== undefined) d.linkTarget = a.linkTarget;
    const left = unresolved?.get(a);
    if (left) d.unresolved = left;
    return d;
  });
}

// One-shot hashing (Node ≥ 20.12) skips a Hash object per file: a diff hashes every file of every server.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }).hash;

export function sha256(b: Uint8Array): string {
  return oneShot ? oneShot('sha256', b, 'hex') : crypto.createHash('sha256').update(b).digest('hex');
}

/** Where certbot leaves a host's certificate; its absence selects the bootstrap vhost. */
export function certificatePath(host: string): string {
  return `/etc/letsencrypt/live/${host}/fullchain.pem`;
}

/** Every path one read must cover: the desired files and the certificates that pick bootstrap vhosts. */
export function readPaths(desired: readonly DesiredFile[]): string[] {
  const paths = new Set<string>();
  for (const d of desired) {
    if (d.role === 'managed') paths.add(d.path);
    else if (d.host) paths.add(certificatePath(d.host));
  }
  return [...paths].sort();
}
