import { posix } from 'node:path';
import type { Artifact } from '../model/Artifact.js';
import type { Fleet } from '../model/Fleet.js';
import { byCodeUnit } from './byCodeUnit.js';
import { fleetJson } from './fleetJson.js';
import { fleetMarkdown } from './fleetMarkdown.js';

/** One entry of the out/ tree, before it touches the disk. */
export interface OutFile {
  /** Relative to out/, POSIX separators, no leading slash. */
  path: string;
  /** Empty for symlinks. */
  content: string;
  /** 0o644, or 0o755 for executables. Ignored for symlinks. */
  mode: number;
  /** Present for symlinks: the target, relative to the link's folder. */
  linkTarget?: string;
}

export const FLEET_JSON = 'fleet.json';
export const FLEET_MD = 'fleet.md';

/**
 * The whole out/ tree for a fleet, sorted by path. Instance files go under
 * `hosts/<host>/`, per-server files under `servers/<server>/`, each at its
 * server path; bootstrap artifacts are files like any other.
 */
export function outFiles(fleet: Fleet, artifacts: readonly Artifact[]): OutFile[] {
  const files: OutFile[] = artifacts.map(artifactFile);
  files.push({ path: FLEET_JSON, content: fleetJson(fleet, artifacts), mode: 0o644 });
  files.push({ path: FLEET_MD, content: fleetMarkdown(fleet), mode: 0o644 });
  return files.sort((a, b) => byCodeUnit(a.path, b.path));
}

/** Where an artifact lives in out/. */
export function outPath(a: Pick<Artifact, 'host' | 'server' | 'path'>): string {
  const rel = a.path.replace(/^\/+/, '');
  return a.host !== undefined ? `hosts/${a.host}/${rel}` : `servers/${a.server}/${rel}`;
}

function artifactFile(a: Artifact): OutFile {
  const path = outPath(a);
  if (a.linkTarget !== undefined) {
    // An absolute target would point into the developer's own /etc; relative to
    // the link it resolves inside out/ exactly as it does on the server.
    const target = a.linkTarget.startsWith('/') ? posix.relative(posix.dirname(a.path), a.linkTarget) : a.linkTarget;
    return { path, content: '', mode: 0o644, linkTarget: target };
  }
  // git keeps only the executable bit, so out/ carries only that much of the server mode.
  return { path, content: a.content, mode: a.kind === 'script' || (a.mode & 0o111) !== 0 ? 0o755 : 0o644 };
}
