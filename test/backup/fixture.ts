/**
 * A server for the backup tests, relocated under a throwaway root (its
 * clients.yaml `root:`, which the rendered scripts find themselves): the files
 * blink-render produces for a small fleet (scripts, env files, odoo.conf),
 * a real PostgreSQL with a non-superuser database owner, fake filestores,
 * and stand-ins for what cannot run here (odoo-bin, systemctl).
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import type { Artifact } from '../../src/model/Artifact.js';
import type { BackupSettings, Fleet, Instance } from '../../src/model/Fleet.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import { startPostgres, type Postgres } from '../support/postgres.js';
import { SAMPLE_DEPLOY, SAMPLE_SERVERS, sampleInstance, withDatabase } from '../support/sampleFleet.js';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));
/** The database role owning every test database: not a superuser, like Odoo's. */
export const OWNER = 'blink_owner';

/** The backup key blink-apply would write for an instance (an obvious fake, one per instance). */
export function backupKey(id: string): string {
  return `test-backup-key-of-${id}-not-a-secret-0123456789`;
}

/** The key blink-apply would write for a server's configuration backups (an obvious fake, one per server). */
export function configBackupKey(server: string): string {
  return `test-config-backup-key-of-${server}-not-a-secret-0123456789`;
}

/** A rendered file's content as blink-apply writes it: a backup key's reference resolved to backupKey() or configBackupKey(). */
export function installedContent(a: Artifact): string {
  if (a.kind !== 'backup-key') return a.content;
  return a.instance !== undefined ? a.content.replace('${secret:backup_key}', backupKey(a.instance)) : a.content.replace(/\$\{BLINK_CONFIG_BACKUP_KEY_[A-Z0-9_]+\}/, configBackupKey(a.server));
}
const BACKUP_DIR = '/var/backups/odoo';

export interface TestInstance {
  id: string;
  kind?: 'production' | 'test';
  client?: string;
  backup?: Partial<BackupSettings>;
  /** Create its database as a copy of acme-prod (default true). */
  database?: boolean;
}

/** Every instance the tests use; all on server aws-1. */
export const INSTANCES: TestInstance[] = [
  { id: 'acme-prod', kind: 'production' },
  { id: 'acme-copy' },
  { id: 'acme-test' },
  { id: 'acme-ret', kind: 'production', backup: { keepDays: 30 } },
  { id: 'acme-gfs', backup: { keep: { daily: 2, weekly: 2, monthly: 3 } }, database: false },
  { id: 'acme-age', backup: { encrypt: { method: 'age', file: '/etc/blink/age-recipients.txt' } } },
  { id: 'acme-gpg', backup: { encrypt: { method: 'gpg', file: '/etc/blink/gpg-passphrase' } } },
  { id: 'acme-up', backup: { upload: 'UPLOAD_OK --to remote:bucket' } },
  { id: 'acme-upfail', backup: { upload: 'UPLOAD_FAIL' } },
  { id: 'acme-missing', database: false },
  { id: 'other-test', client: 'other', database: false },
];

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Server {
  root: string;
  pg: Postgres;
  /** OS user the PostgreSQL clients and Odoo run as (the instances' system_user). */
  osUser: string;
  artifacts: Artifact[];
  backupScript: string;
  restoreScript: string;
  journal: string;
  handshake: string;
  scriptTmp: string;
  log: string;
  backupDir(instance: string): string;
  filestore(instance: string, db?: string): string;
  /** Runs a rendered script the way cron would: no PG* variables, a minimal environment. */
  run(script: string, args: string[], env?: Record<string, string>): Run;
  /** Same, in the background. */
  start(script: string, args: string[], env?: Record<string, string>): { pid: number; done: Promise<Run> };
  journalLines(): Record<string, unknown>[];
  clearJournal(): void;
  close(): Promise<void>;
}

function check(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** A small deterministic byte generator (xorshift32), so the fake filestore is the same on every run. */
function bytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Relative path → sha256 of every file under dir (`{}` when dir is missing). */
export function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

export const SCHEMA_SQL = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar NOT NULL, email varchar, active boolean DEFAULT true);
CREATE INDEX res_partner_name_trgm ON res_partner USING gin (name gin_trgm_ops);
CREATE TABLE ir_attachment (id serial PRIMARY KEY, name varchar, store_fname varchar, res_id int REFERENCES res_partner (id));
CREATE TABLE ir_mail_server (id serial PRIMARY KEY, name varchar, active boolean DEFAULT true);
CREATE TABLE ir_cron (id serial PRIMARY KEY, name varchar, active boolean DEFAULT true);
CREATE TABLE ir_config_parameter (key varchar PRIMARY KEY, value text);
CREATE VIEW active_partner AS SELECT id, name FROM res_partner WHERE active;
INSERT INTO res_partner (name, email, active) SELECT 'Partner ' || g, 'p' || g || '@example.com', g % 7 <> 0 FROM generate_series(1, 3000) g;
INSERT INTO ir_attachment (name, store_fname, res_id) SELECT 'doc ' || g, 'ab/' || md5(g::text), g FROM generate_series(1, 500) g;
INSERT INTO ir_mail_server (name) VALUES ('smtp.acme.example');
INSERT INTO ir_cron (name) VALUES ('Send invoices'), ('Bank sync'), ('Mail queue');
INSERT INTO ir_config_parameter VALUES ('database.uuid', 'acme-prod-uuid'), ('web.base.url', 'https://acme.example');
`;

/** Table name → row count, for every table of the public schema. */
export function rowCounts(pg: Postgres, db: string): Record<string, number> {
  const tables = pg.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", { db }).trim().split('\n').filter(Boolean);
  return Object.fromEntries(tables.map((t) => [t, Number(pg.sql(`SELECT count(*) FROM "${t}"`, { db }).trim())]));
}

export function databases(pg: Postgres): string[] {
  return pg.sql('SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1').trim().split('\n').filter(Boolean);
}

function odooBinSource(journal: string, handshake: string, root: string): string {
  return `#!/usr/bin/env python3
# odoo-bin stand-in for the backup tests: Odoo itself cannot run here. It answers
# --version, and "neutralize -c CONF -d DB" connects with CONF's db_* settings (as
# Odoo would) and applies what Odoo's neutralization does to the test tables. It
# logs as Odoo 18 does: to CONF's logfile (a server path, under the test's root)
# when CONF names one, else to stderr; a failed query is logged by odoo.sql_db,
# then odoo.cli.neutralize's critical line, and the exit status is 1.
import configparser, json, os, subprocess, sys, time

JOURNAL = ${JSON.stringify(journal)}
HANDSHAKE = ${JSON.stringify(handshake)}
ROOT = ${JSON.stringify(root)}

def note(entry):
    with open(JOURNAL, "a") as f:
        f.write(json.dumps(entry) + "\\n")

args = sys.argv[1:]
if args == ["--version"]:
    hold = os.path.join(HANDSHAKE, "hold")
    if os.path.exists(hold):
        open(os.path.join(HANDSHAKE, "version-started"), "w").close()
        deadline = time.time() + 30
        while os.path.exists(hold) and time.time() < deadline:
            time.sleep(0.05)
    print("Odoo Server 18.0-20250218")
    sys.exit(0)
if args and args[0] == "neutralize":
    conf = args[args.index("-c") + 1]
    db = args[args.index("-d") + 1]
    note({"cmd": "neutralize", "args": args, "uid": os.getuid(), "db": db, "conf": conf})
    cp = configparser.RawConfigParser()
    cp.read(conf)
    o = cp["options"]
    logfile = o.get("logfile", "")
    def log(level, logger, message):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()) + ",%03d" % (time.time() * 1000 % 1000)
        line = "%s %d %s ? %s: %s\\n" % (stamp, os.getpid(), level, logger, message)
        if logfile and logfile not in ("False", "None"):
            with open(ROOT + logfile, "a") as f:
                f.write(line)
        else:
            sys.stderr.write(line)
    log("INFO", "odoo.cli.neutralize", "Starting %s database neutralization" % db)
    sql = ("UPDATE ir_mail_server SET active = false; UPDATE ir_cron SET active = false; "
           "INSERT INTO ir_config_parameter VALUES ('database.is_neutralized', 'true');")
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", o["db_host"], "-p", o["db_port"],
                        "-U", o["db_user"], "-d", db, "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        log("ERROR", "odoo.sql_db", "bad query: %s\\n%s" % (sql, r.stderr.strip()))
        log("CRITICAL", "odoo.cli.neutralize", "An error occurred during the neutralization. THE DATABASE IS NOT NEUTRALIZED!")
        sys.exit(1)
    log("INFO", "odoo.cli.neutralize", "Neutralization finished")
    sys.exit(0)
print("odoo-bin stand-in: unsupported arguments %r" % args, file=sys.stderr)
sys.exit(2)
`;
}

/** A server with INSTANCES, and `extra` instances of a test's own. */
export async function setUpServer(extra: TestInstance[] = []): Promise<Server> {
  const pg = await startPostgres({ prefix: 'blink-backup-pg-' });
  try {
    return await setUp(pg, [...INSTANCES, ...extra]);
  } catch (err) {
    await pg.stop();
    throw err;
  }
}

async function setUp(pg: Postgres, instances: TestInstance[]): Promise<Server> {
  const root = mkdtempSync(join(tmpdir(), 'blink-backup-'));
  try {
    return build(pg, root, instances);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

function build(pg: Postgres, root: string, instances: TestInstance[]): Server {
  const osUser = pg.osUser;
  const asRoot = process.getuid?.() === 0;
  chmodSync(root, 0o755);
  const mkdir = (p: string, mode = 0o755) => {
    mkdirSync(p, { recursive: true });
    chmodSync(p, mode);
    return p;
  };
  const journal = join(mkdir(join(root, 'test'), 0o777), 'journal.jsonl');
  writeFileSync(journal, '');
  chmodSync(journal, 0o666);
  const handshake = mkdir(join(root, 'test', 'handshake'), 0o777);
  const scriptTmp = mkdir(join(root, 'test', 'tmp'), 0o700);
  const bin = mkdir(join(root, 'test', 'bin'));

  const odooBin = join(mkdir(join(root, 'opt', 'odoo', 'odoo')), 'odoo-bin');
  writeFileSync(odooBin, odooBinSource(journal, handshake, root), { mode: 0o755 });
  const systemctl = join(bin, 'systemctl');
  writeFileSync(systemctl, `#!/bin/sh\nprintf '{"cmd":"systemctl","args":"%s"}\\n' "$*" >>'${journal}'\n`, { mode: 0o755 });
  const uploadOk = join(bin, 'upload-ok');
  writeFileSync(uploadOk, `#!/bin/sh\nprintf '{"cmd":"upload","args":"%s","instance":"%s"}\\n' "$*" "$BLINK_INSTANCE" >>'${journal}'\n`, { mode: 0o755 });
  const uploadFail = join(bin, 'upload-fail');
  writeFileSync(uploadFail, `#!/bin/sh\necho "bucket unreachable: $1" >&2\nexit 7\n`, { mode: 0o755 });
  // The system's python3: a per-user one (pyenv shims under /root) is not reachable by the system user.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : check(spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }), 'python3').trim();

  // The databases: owned by a non-superuser role, like Odoo's.
  pg.sql(`CREATE ROLE ${OWNER} LOGIN CREATEDB`);
  pg.sql(`CREATE DATABASE "acme-prod" OWNER ${OWNER}`);
  pg.sql(SCHEMA_SQL, { db: 'acme-prod', user: OWNER });
  for (const i of instances) {
    if (i.id !== 'acme-prod' && i.database !== false) pg.sql(`CREATE DATABASE "${i.id}" TEMPLATE "acme-prod" OWNER ${OWNER}`);
  }
  // The restore targets start different from the source, so a restore shows.
  for (const db of ['acme-copy', 'acme-test']) pg.sql("DELETE FROM ir_attachment; DELETE FROM res_partner WHERE id > 10; UPDATE ir_config_parameter SET value = 'old'", { db, user: OWNER });

  const dataDir = (id: string) => `/opt/odoo/.local/share/Odoo-${id}`;
  const fleet: Fleet = {
    configLabel: 'config',
    // A server with a root folder: the scripts find it from where they are installed.
    servers: SAMPLE_SERVERS.filter((s) => s.name === 'aws-1').map((s) => ({ ...s, root })),
    instances: instances.map((t, n) => testInstance(t, n, { osUser, odooBin, python, pg, upload: { UPLOAD_OK: uploadOk, UPLOAD_FAIL: uploadFail } })),
    deploy: { ...SAMPLE_DEPLOY },
  };
  const templates = loadTemplates(TEMPLATES_DIR);
  if (templates.diagnostics.length) throw new Error(`templates: ${JSON.stringify(templates.diagnostics)}`);
  const rendered = renderFleet(fleet, templates.templates);
  if (rendered.diagnostics.length) throw new Error(`render: ${JSON.stringify(rendered.diagnostics)}`);
  // Install the rendered files under root, as blink-apply would on the server.
  for (const a of rendered.artifacts) {
    if (a.linkTarget !== undefined || a.role !== 'managed') continue;
    const path = join(root, a.path);
    mkdir(dirname(path));
    writeFileSync(path, installedContent(a), { mode: a.mode });
    chmodSync(path, a.mode);
    if (asRoot) check(spawnSync('chown', [a.owner, path], { encoding: 'utf8' }), 'chown');
  }

  // Filestores: nested folders, binary files, an empty file, a name with a space.
  const filestore = (id: string, db = id) => join(root, dataDir(id), 'filestore', db);
  const source = filestore('acme-prod');
  for (let k = 0; k < 24; k++) {
    const name = createHash('sha1').update(String(k)).digest('hex');
    const p = join(source, name.slice(0, 2), name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, bytes(k + 1, k === 0 ? 0 : 500 + k * 997));
  }
  mkdirSync(join(source, 'checklist'), { recursive: true });
  writeFileSync(join(source, 'checklist', 'with space.txt'), 'a name with a space\n');
  for (const id of ['acme-copy', 'acme-test']) {
    mkdirSync(join(filestore(id), 'zz'), { recursive: true });
    writeFileSync(join(filestore(id), 'zz', 'stale-file'), `${id} before the restore\n`);
  }
  for (const id of ['acme-ret', 'acme-age', 'acme-gpg', 'acme-up', 'acme-upfail']) {
    mkdirSync(dirname(filestore(id)), { recursive: true });
    check(spawnSync('cp', ['-a', source, filestore(id)], { encoding: 'utf8' }), 'cp filestore');
  }
  // As on a server (docs/server-setup.md), the data dirs and Odoo's log folder belong to the
  // instances' system user: Odoo writes there, and so does whatever runs as that user.
  const odooLogs = mkdir(join(root, 'var/log/odoo'));
  if (asRoot) {
    check(spawnSync('chown', ['-R', `${osUser}:`, join(root, 'opt/odoo/.local'), odooLogs], { encoding: 'utf8' }), 'chown data dirs');
  }

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin`,
    LANG: 'C.UTF-8',
    TMPDIR: scriptTmp,
    BLINK_SYSTEMCTL: systemctl,
    ...extra,
  });
  const server: Server = {
    root,
    pg,
    osUser,
    artifacts: rendered.artifacts,
    backupScript: join(root, 'usr/local/sbin/blink-backup'),
    restoreScript: join(root, 'usr/local/sbin/blink-restore'),
    journal,
    handshake,
    scriptTmp,
    log: join(root, 'var/log/blink/backup.log'),
    backupDir: (id) => join(root, BACKUP_DIR, id),
    filestore,
    run(script, args, extra) {
      const r = spawnSync(script, args, { encoding: 'utf8', env: env(extra), timeout: 60_000 });
      if (r.error) throw r.error;
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    start(script, args, extra) {
      const child = spawn(script, args, { env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const done = new Promise<Run>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
      return { pid: child.pid ?? -1, done };
    },
    journalLines: () =>
      readFileSync(journal, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    clearJournal: () => writeFileSync(journal, ''),
    async close() {
      try {
        await pg.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  return server;
}

function testInstance(
  t: TestInstance,
  n: number,
  x: { osUser: string; odooBin: string; python: string; pg: Postgres; upload: Record<string, string> },
): Instance {
  const [client, env] = [t.client ?? t.id.split('-')[0]!, t.id.slice(t.id.indexOf('-') + 1)];
  const kind = t.kind ?? 'test';
  const base = sampleInstance(
    { client, clientName: client.toUpperCase(), env, host: `${t.id}.example.com`, server: 'aws-1', kind, port: 9000 + n * 10, line: 10 + n },
    { systemUser: x.osUser, odooBin: x.odooBin, python: x.python },
  );
  const upload = t.backup?.upload?.replace(/^UPLOAD_(OK|FAIL)/, (m) => x.upload[m]!);
  const backup: BackupSettings = { ...base.backup, ...t.backup, dir: BACKUP_DIR, ...(upload !== undefined ? { upload } : {}) };
  // How the instance reaches PostgreSQL, in its odoo.conf: the scripts read it from there.
  return { ...withDatabase(base, { host: x.pg.host, port: x.pg.port, user: OWNER }), backup };
}

/** Waits until check() is true, polling; throws after timeoutMs. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Complete backups (stamp folders) of an instance, oldest first. */
export function backupsOf(server: Server, id: string): string[] {
  const dir = server.backupDir(id);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^\d{8}T\d{6}Z$/.test(n) && statSync(join(dir, n)).isDirectory())
    .sort();
}

/** The MANIFEST of a backup as key → value, plus its file lines. */
export function readManifest(dir: string): { values: Record<string, string>; files: { name: string; size: number; sha256: string }[] } {
  const values: Record<string, string> = {};
  const files: { name: string; size: number; sha256: string }[] = [];
  for (const line of readFileSync(join(dir, 'MANIFEST'), 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z_]+): (.*)$/.exec(line);
    if (!m) throw new Error(`bad manifest line: ${line}`);
    if (m[1] === 'file') {
      const [name, size, sha256] = m[2]!.split(' ');
      files.push({ name: name!, size: Number(size), sha256: sha256! });
    } else values[m[1]!] = m[2]!;
  }
  return { values, files };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Rewrites the `file:` lines of a backup's MANIFEST for the files now in its folder, as
 * anyone who can write a backup folder can: the backups the tests craft pass the checksum
 * check, so what they test is what comes after it. A MANIFEST that ends with an
 * `auth: hmac-sha256` line gets it recomputed with the key in `keyFile` (its first line that
 * is neither empty nor a comment), as only a holder of the instance's key could, and then
 * its `created:` names the time its folder is named after.
 */
export function reseal(dir: string, keyFile?: string): void {
  const path = join(dir, 'MANIFEST');
  // A copy under another name says so: blink-restore refuses a folder named after another time than its MANIFEST's.
  const stamp = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(basename(dir));
  const lines = readFileSync(path, 'utf8').split('\n').map((line) => {
    if (stamp && keyFile && line.startsWith('created: ')) return `created: ${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:${stamp[5]}:${stamp[6]}Z`;
    const m = /^file: (\S+) \d+ [0-9a-f]{64}$/.exec(line);
    if (!m) return line;
    const file = join(dir, m[1]!);
    return `file: ${m[1]} ${statSync(file).size} ${sha256File(file)}`;
  });
  const auth = lines.findIndex((l) => l.startsWith('auth: hmac-sha256 '));
  if (auth >= 0) {
    if (!keyFile) throw new Error(`${path} is authenticated: reseal needs the instance's key file`);
    const key = readFileSync(keyFile, 'utf8').split('\n').find((l) => l !== '' && !l.startsWith('#'))!;
    lines[auth] = `auth: hmac-sha256 ${createHmac('sha256', key).update(`${lines.slice(0, auth).join('\n')}\n`).digest('hex')}`;
  }
  writeFileSync(path, lines.join('\n'));
}

/** One member of an archive made by {@link craftArchive}. */
export interface Member {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo';
  mode?: number;
  /** A file's content; or `zeros` bytes of zeros (streamed: a gzip bomb). */
  data?: string;
  zeros?: number;
  /** What a link points at. */
  link?: string;
}

/**
 * A filestore.tar.gz with exactly these members, made by Python's tarfile: any member type
 * without root (no device node is made here), modes as given.
 */
export function craftArchive(path: string, members: Member[]): void {
  const script = String.raw`
import io, json, sys, tarfile
path, members = sys.argv[1], json.loads(sys.stdin.read())
types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
         "chardev": tarfile.CHRTYPE, "blockdev": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE}
class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.left); b[:k] = bytes(k); self.left -= k; return k
with tarfile.open(path, "w:gz", compresslevel=6) as tar:
    for m in members:
        info = tarfile.TarInfo(m["name"])
        info.type = types[m["type"]]
        info.mode = m.get("mode", 0o755 if m["type"] == "dir" else 0o644)
        info.mtime = 1768878000
        info.linkname = m.get("link", "")
        if m["type"] in ("chardev", "blockdev"): info.devmajor, info.devminor = (1, 3) if m["type"] == "chardev" else (8, 0)
        body = None
        if m["type"] == "file":
            if "zeros" in m:
                info.size = m["zeros"]; body = io.BufferedReader(Zeros(m["zeros"]), 1 << 20)
            else:
                data = m.get("data", "").encode(); info.size = len(data); body = io.BytesIO(data)
        tar.addfile(info, body)
`;
  const r = spawnSync('python3', ['-c', script, path], { input: JSON.stringify(members), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`crafting ${path}: ${r.stderr}`);
}

/** Runs a command as the instances' system user (the test's osUser), as a real process of that user. */
export function asSystemUser(server: Server, cmd: string, args: string[]): SpawnSyncReturns<string> {
  const r = process.getuid?.() === 0
    ? spawnSync('runuser', ['-u', server.osUser, '--', cmd, ...args], { encoding: 'utf8' })
    : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}
