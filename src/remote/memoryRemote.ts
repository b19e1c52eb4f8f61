import { createHash } from 'node:crypto';
import type { ExecResult, HttpResult } from './Transport.js';
import type { Check, Failure, Lock, Remote, ResourceOps } from './Remote.js';
import { BLINK_DIR, MANIFEST_PATH, type LiveDatabase, type LiveRole } from './RemoteState.js';
import { parseRemoteState, type RawRemoteState } from './parseRemoteState.js';
import { parseResources } from './parseResources.js';
import type { Journal, JournalPhase } from './Journal.js';

export interface MemoryFile {
  content: Buffer;
  mode: number;
  owner: string;
  linkTarget?: string;
}

/**
 * A server as plain data, for unit tests of apply: files, the commands that
 * ran, and knobs to make any step fail.
 */
export interface MemoryServer {
  files: Map<string, MemoryFile>;
  /** Every configured command run, in order. */
  commands: string[];
  audit: string[];
  lockHolder?: string;
  unreachable?: string;
  /** A failed check's output, or undefined when it passes. */
  failCheck?: (check: Check, staged: ReadonlyMap<string, MemoryFile>) => string | undefined;
  /** Exit code for a command (default 0). */
  commandExit?: (command: string) => number;
  health?: (url: string) => HttpResult;
  /** Fail the swap after this many renames (to test rollback of a partial swap). */
  failSwapAfter?: number;
  /** Folders by server path (`link`: a symbolic link stands there). */
  folders: Map<string, { mode: number; owner: string; link?: boolean }>;
  /** OS users that exist. */
  users: Set<string>;
  /** PostgreSQL's roles and databases; undefined: psql fails (PostgreSQL is down). */
  postgres?: { roles: Map<string, LiveRole>; databases: Map<string, LiveDatabase> };
  /** What `ufw status verbose` prints; undefined: ufw is not installed. */
  ufw?: string;
  /** $SSH_CONNECTION as the server sees it. */
  sshConnection?: string;
  /** Every ensure, in order. */
  ensured: ResourceOps[];
  /** Make ensure fail with this message. */
  failEnsure?: string;
}

export function memoryServer(files: Record<string, string | MemoryFile> = {}): MemoryServer {
  const map = new Map<string, MemoryFile>();
  for (const [p, f] of Object.entries(files)) map.set(p, typeof f === 'string' ? { content: Buffer.from(f), mode: 0o644, owner: 'root:root' } : f);
  const postgres = {
    roles: new Map<string, LiveRole>([['postgres', { login: true, createdb: true, superuser: true }]]),
    databases: new Map<string, LiveDatabase>(['postgres', 'template0', 'template1'].map((d) => [d, { owner: 'postgres', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8' }])),
  };
  return { files: map, commands: [], audit: [], folders: new Map(), users: new Set(['root', 'odoo']), postgres, ensured: [] };
}

const JOURNAL = `${BLINK_DIR}/journal.json`;
const PHASE = `${BLINK_DIR}/journal.phase`;

/** The fake behind the Remote interface: same contract as shellRemote, in memory. */
export function memoryRemote(name: string, world: MemoryServer): Remote {
  const staged = new Map<string, Map<string, MemoryFile>>();
  const backups = new Map<string, Map<string, MemoryFile>>();
  const write = (path: string, text: string): void => void world.files.set(path, { content: Buffer.from(text), mode: 0o600, owner: 'root:root' });
  const text = (path: string): string | undefined => world.files.get(path)?.content.toString('utf8');
  const setPhase = (phase: JournalPhase): void => write(PHASE, phase + '\n');

  return {
    server: name,
    target: 'memory',
    open: async () => (world.unreachable ? { error: world.unreachable } : undefined),
    async read(paths, resources) {
      // The same validation as a real server's answer: built as apply-read.sh would print it.
      const wanted = new Set(paths);
      const manifestText = text(MANIFEST_PATH) ?? '';
      try {
        const listed = (JSON.parse(manifestText) as { files?: object }).files;
        if (listed && typeof listed === 'object') for (const p of Object.keys(listed)) if (/^(\/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+$/.test(p)) wanted.add(p);
      } catch {
        // Refused below, as the real read refuses it.
      }
      const stat: string[] = [];
      const sha: string[] = [];
      for (const p of [...wanted].sort()) {
        const f = world.files.get(p);
        if (!f) continue;
        if (f.linkTarget !== undefined) stat.push(`l 777 ${f.owner} .${p}`, f.linkTarget);
        else {
          stat.push(`f ${f.mode.toString(8)} ${f.owner} .${p}`, '');
          sha.push(`${createHash('sha256').update(f.content).digest('hex')}  .${p}`);
        }
      }
      const raw: RawRemoteState = {
        unsafe: '',
        badpaths: '',
        odd: '',
        stat: stat.map((x) => x + '\0').join(''),
        sha: sha.join('\n'),
        timeout: false,
        manifest: manifestText,
        journal: text(JOURNAL) ?? '',
        phase: text(PHASE) ?? '',
        staging: '',
      };
      const state = parseRemoteState(name, '', new Set(paths), raw);
      if ('error' in state) return state;
      // As apply-read.sh prints them (each as .//PATH): the asked folders and those the manifest records (manifest.folders).
      const q = resources ?? { folders: [], users: [] };
      const folders = new Set(q.folders);
      for (const k of Object.keys(state.manifest?.resources ?? {})) if (k.startsWith('folder:')) folders.add(k.slice('folder:'.length));
      const found = [...folders].sort().flatMap((p) => {
        const f = world.folders.get(p);
        return f ? [`${f.link ? 'l' : 'd'} ${f.mode.toString(8)} ${f.owner} ./${p}\0`] : [];
      });
      const pg = world.postgres;
      const json = pg && { roles: [...pg.roles].map(([n, r]) => ({ name: n, ...r })), databases: [...pg.databases].map(([n, d]) => ({ name: n, ...d })) };
      const live = parseResources(name, q, {
        folders: found.join(''),
        unsafeFolders: '',
        badFolders: '',
        users: q.users.filter((u) => world.users.has(u)).map((u) => `${u}:x:1000:1000::/home/${u}:/bin/sh`).join('\n'),
        postgres: json ? `blink-pg ${JSON.stringify(json)}` : '',
        ...(q.psql !== undefined && !pg ? { postgresFailed: 'psql: error: connection to server on socket failed: No such file or directory' } : {}),
        ufw: world.ufw ?? 'sh: 1: ufw: not found',
        ...(q.ufw !== undefined ? { ufwExit: world.ufw === undefined ? 127 : 0 } : {}),
        ssh: world.sshConnection ?? '',
      });
      if ('error' in live) return live;
      state.resources = live;
      return state;
    },
    async ensure(ops) {
      world.ensured.push(ops);
      if (world.failEnsure) return { error: `making folders, roles and databases failed (exit 1): ${world.failEnsure}` };
      for (const f of ops.folders) {
        const old = world.folders.get(f.path);
        if (old?.link) return { error: `making folders, roles and databases failed (exit 3): blink-apply: ${f.path} is a symbolic link; refusing to write through it` };
        world.folders.set(f.path, { mode: f.mode, owner: f.owner ?? old?.owner ?? 'root:root' });
      }
      if (ops.roles.length + ops.databases.length === 0) return undefined;
      const pg = world.postgres;
      if (!pg) return { error: 'making folders, roles and databases failed (exit 1): psql: error: connection to server failed' };
      for (const r of ops.roles) {
        const old = pg.roles.get(r.name);
        if (!old) pg.roles.set(r.name, { login: true, createdb: true, superuser: false });
        else if (r.grant) pg.roles.set(r.name, { ...old, login: true, createdb: true });
      }
      for (const d of ops.databases) {
        const old = pg.databases.get(d.name);
        if (!old) pg.databases.set(d.name, { owner: d.owner, encoding: d.encoding, collate: d.collation, ctype: d.locale });
        else if (d.setOwner) pg.databases.set(d.name, { ...old, owner: d.owner });
      }
      return undefined;
    },
    async fetch(paths) {
      const out = new Map<string, Buffer>();
      for (const p of paths) {
        const f = world.files.get(p);
        if (f && f.linkTarget === undefined) out.set(p, f.content);
      }
      return out;
    },
    async lock(owner): Promise<Lock | Failure> {
      if (world.lockHolder) return { held: true, holder: world.lockHolder };
      world.lockHolder = owner;
      return { held: false, release: async () => void delete world.lockHolder };
    },
    async stage(run, files) {
      const m = new Map<string, MemoryFile>();
      for (const f of files) {
        const e: MemoryFile = { content: Buffer.from(f.content), mode: f.mode, owner: 'root:root' };
        if (f.linkTarget !== undefined) e.linkTarget = f.linkTarget;
        m.set(f.path, e);
      }
      staged.set(run, m);
      return undefined;
    },
    async validate(run, checks) {
      const tree = staged.get(run) ?? new Map();
      return checks.flatMap((check) => {
        const output = world.failCheck?.(check, tree);
        return output === undefined ? [] : [{ check, output }];
      });
    },
    async swap(journal) {
      setPhase('swapping');
      write(JOURNAL, JSON.stringify(journal));
      const tree = staged.get(journal.run) ?? new Map<string, MemoryFile>();
      const bak = new Map<string, MemoryFile>();
      for (const f of journal.files) if (f.hadOld && world.files.has(f.path)) bak.set(f.path, world.files.get(f.path)!);
      backups.set(journal.run, bak);
      let renames = 0;
      for (const f of journal.files) {
        if (world.failSwapAfter !== undefined && renames++ >= world.failSwapAfter) return { error: 'swapping files into place failed (injected)' };
        if (f.op === 'delete') world.files.delete(f.path);
        else if (f.linkTarget !== undefined) world.files.set(f.path, { content: Buffer.alloc(0), mode: 0o777, owner: f.owner ?? 'root:root', linkTarget: f.linkTarget });
        else {
          const s = tree.get(f.path);
          if (!s) return { error: `staged file missing: ${f.path}` };
          world.files.set(f.path, { content: s.content, mode: f.mode ?? 0o644, owner: f.owner ?? 'root:root' });
        }
      }
      setPhase('swapped');
      return undefined;
    },
    async rollback(journal: Journal) {
      setPhase('rolling-back');
      const bak = backups.get(journal.run) ?? new Map<string, MemoryFile>();
      for (const f of journal.files) {
        const old = bak.get(f.path);
        if (old) world.files.set(f.path, old);
        else if (!f.hadOld && f.op === 'write') world.files.delete(f.path);
      }
      return undefined;
    },
    async run(command): Promise<ExecResult> {
      world.commands.push(command);
      const code = world.commandExit?.(command) ?? 0;
      return { code, stdout: Buffer.alloc(0), stderr: code ? `${command}: failed` : '' };
    },
    // Odoo 18's healthy answer; /web/health reports the database when asked to.
    httpGet: async (url) => world.health?.(url) ?? { status: 200, body: JSON.stringify(url.includes('db_server_status=') ? { status: 'pass', db_server_status: true } : { status: 'pass' }) },
    async commit(run, manifest, auditLine) {
      if (manifest) write(MANIFEST_PATH, JSON.stringify(manifest));
      world.audit.push(auditLine);
      world.files.delete(JOURNAL);
      world.files.delete(PHASE);
      staged.delete(run);
      return undefined;
    },
    close: async () => undefined,
  };
}
