import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Transport } from './Transport.js';
import type { Check, CheckFailure, Failure, Lock, Remote } from './Remote.js';
import { BLINK_DIR, type Manifest, type ResourceQuery } from './RemoteState.js';
import type { FileOp } from './Journal.js';
import { fail2banCheck } from './fail2banCheck.js';
import { fillCommand, shellQuote as q } from './shellQuote.js';
import { tar } from './tar.js';
import { applyScript, type ApplyScriptName } from './applyScripts.js';
import { scriptInput } from './scriptInput.js';
import { parseRemoteState, RUN_ID } from './parseRemoteState.js';
import { managedPath, MANAGED_DIRS } from '../render/managedPath.js';
import { parseResources } from './parseResources.js';
import { ownerNames } from './ownerNames.js';
import { resourceSql } from './resourceSql.js';
import { FOLDER_PATH, USER_NAME } from '../plan/DesiredResources.js';

/** A generated nginx.conf including only the staged tree: what nginx -t checks on a server without an nginx.conf of its own. */
export const NGINX_VALIDATE_CONF = '/etc/nginx/blink-validate.conf';

/**
 * Remote over any Transport: each operation is one POSIX shell script of
 * `sh/apply-*.sh`, its values (root, run, paths) lines on stdin, never
 * script text, so a server needs only sh, coreutils, findutils and tar.
 * Every managed path lives under `root` (`/` on a real server). What comes
 * back is validated as data (`parseRemoteState`) before anything acts on it.
 */
export function shellRemote(t: Transport, root: string): Remote {
  const R = root.replace(/\/+$/, '');
  const at = (p: string): string => R + p;
  const B = at(BLINK_DIR);
  const fail = scriptFailure;
  const exec = async (name: ApplyScriptName, values: string[], payload?: Uint8Array) => {
    const input = scriptInput([R, ...values], payload);
    if ('error' in input) return { code: 2, stdout: Buffer.alloc(0), stderr: input.error };
    return t.exec(applyScript(name), input);
  };

  return {
    server: t.server,
    target: t.target,
    async open() {
      const e = await t.open();
      return e === undefined ? undefined : { error: e };
    },

    async read(paths, resources = NO_RESOURCES) {
      const n = nonce();
      // Every folder blink writes in, and blink's own: none may be a link.
      const dirs = new Set([...MANAGED_DIRS, BLINK_DIR + '/staging', BLINK_DIR + '/backups']);
      for (const p of paths) if (managedPath(p)) dirs.add(posix.dirname(p));
      const asked = resourceLines(resources);
      if ('error' in asked) return { error: `reading the server failed: ${asked.error}` };
      const r = await exec('read', [n, ...asked.lines, ...[...dirs].sort(), '.', ...paths]);
      const sections = splitSections(r.stdout.toString('utf8'), n);
      if (!sections.has('end')) return fail('reading the server', { ...r, code: r.code || 1 });
      const get = (k: string): string => sections.get(k) ?? '';
      const ownerOf = ownerNames(get('users'), get('groups'));
      const live = parseResources(t.server, resources, {
        ownerOf,
        folders: get('folders'),
        unsafeFolders: get('unsafefolders'),
        badFolders: get('badfolders'),
        users: get('users'),
        postgres: get('postgres'),
        ...(sections.has('pgfail') ? { postgresFailed: get('pgfail') } : {}),
        ufw: get('ufw'),
        ...(sections.has('ufwexit') ? { ufwExit: Number(get('ufwexit').trim()) } : {}),
        ssh: get('ssh'),
      });
      if ('error' in live) return live;
      const state = parseRemoteState(t.server, R, new Set(paths), {
        ownerOf,
        unsafe: get('unsafe'),
        badpaths: get('badpaths'),
        odd: get('odd'),
        stat: get('stat'),
        sha: get('sha'),
        timeout: sections.has('timeout'),
        manifest: get('manifest'),
        journal: get('journal'),
        phase: get('phase'),
        staging: get('staging'),
      });
      if (!('error' in state)) state.resources = live;
      return state;
    },

    async fetch(paths) {
      if (paths.length === 0) return new Map();
      const n = nonce();
      const r = await exec('fetch', [n, ...paths]);
      if (r.code !== 0) return fail('fetching files', r);
      const asked = new Set(paths);
      const out = new Map<string, Buffer>();
      const marker = Buffer.from(`@@file ${n} `);
      let i = 0;
      while (i < r.stdout.length) {
        if (!r.stdout.subarray(i, i + marker.length).equals(marker)) return { error: 'fetching files: unreadable answer' };
        const nl = r.stdout.indexOf(10, i);
        const [size, ...name] = r.stdout.subarray(i + marker.length, nl).toString('utf8').split(' ');
        const start = nl + 1;
        const path = name.join(' ');
        if (asked.has(path)) out.set(path, r.stdout.subarray(start, start + Number(size)));
        i = start + Number(size);
      }
      return out;
    },

    async lock(owner) {
      const input = scriptInput([R, owner]);
      if ('error' in input) return { error: `taking the lock failed: ${input.error}` };
      const held = await t.hold(applyScript('lock'), input);
      if (held.firstLine === 'LOCKED') return { held: false, release: held.release } satisfies Lock;
      await held.release();
      if (held.firstLine.startsWith('HELD ')) return { held: true, holder: printable(held.firstLine.slice(5)) || 'unknown' };
      return { error: `taking the lock failed: ${printable(held.firstLine.replace(/^ERROR /, ''))}` };
    },

    async stage(run, files) {
      if (!RUN_ID.test(run)) return { error: `staging files failed: invalid run id ${JSON.stringify(run)}` };
      const S = `${B}/staging/${run}`;
      const entries = files.map((f) => ({
        path: 'tree' + f.path,
        mode: f.mode,
        content: f.content,
        // Inside the staging tree a link must point into the staging tree.
        ...(f.linkTarget !== undefined ? { linkTarget: posix.relative(posix.dirname(f.path), f.linkTarget) } : {}),
      }));
      entries.push({ path: 'tree' + NGINX_VALIDATE_CONF, mode: 0o600, content: Buffer.from(nginxValidateConf(S)) });
      const r = await exec('stage', [run], tar(entries));
      return r.code === 0 ? undefined : fail('staging files', r);
    },

    async validate(run, checks) {
      // The checks are the server's configured commands (code by design, from
      // clients.yaml) over the paths of this run's own staging tree.
      if (!RUN_ID.test(run)) return { error: `validating failed: invalid run id ${JSON.stringify(run)}` };
      const T = `${B}/staging/${run}/tree`;
      const n = nonce();
      const one = (c: Check): string => `{ ${checkCommand(c, T)}\n} </dev/null 2>&1\necho "@@rc $? ${n}"`;
      // systemd-analyze verify costs ~50 ms of start-up per call: a first
      // apply's fifty units are verified in one call, and only when that
      // fails one by one, so each failure is still named after its unit.
      const units = checks.filter((c) => c.kind === 'unit' && c.path !== undefined);
      const batch = units.length > 1 && units.every((c) => c.command === units[0]!.command) && /^[^{}]*\{unit\}[^{}]*$/.test(units[0]!.command);
      // The managed nginx files this run deletes (from the server's manifest) come as data on stdin.
      const gone = checks.flatMap((c) => c.remove ?? []).filter((p) => p.startsWith('/etc/nginx/'));
      const lines: string[] = ['BLINK_GONE=$(mktemp) || exit 1', 'cat > "$BLINK_GONE"'];
      if (batch) lines.push(`units_ok=0\n{ ${units[0]!.command.replace('{unit}', units.map((c) => q(T + c.path)).join(' '))}\n} </dev/null >/dev/null 2>&1 && units_ok=1`);
      checks.forEach((c, i) => {
        lines.push(`echo "@@check ${i} ${n}"`);
        lines.push(batch && units.includes(c) ? `if [ "$units_ok" = 1 ]; then echo "@@rc 0 ${n}"; else\n${one(c)}\nfi` : one(c));
      });
      lines.push('rm -f "$BLINK_GONE"');
      const input = scriptInput(gone);
      if ('error' in input) return { error: `validating failed: ${input.error}` };
      const r = await t.exec(lines.join('\n') + '\n', input);
      const failures: CheckFailure[] = [];
      const re = new RegExp(`@@check (\\d+) ${n}\\n([\\s\\S]*?)@@rc (\\d+) ${n}\\n`, 'g');
      let seen = 0;
      for (const m of r.stdout.toString('utf8').matchAll(re)) {
        seen++;
        if (m[3] !== '0') failures.push({ check: checks[Number(m[1])]!, output: m[2]!.split(T).join('').trim() });
      }
      if (seen !== checks.length) return fail('validating', r);
      return failures;
    },

    async swap(journal) {
      const ops = opLines(journal.files);
      if (typeof ops !== 'string') return { error: `swapping files into place failed: ${ops.error}` };
      const r = await exec('swap', [journal.run], Buffer.from(JSON.stringify(journal) + '\n' + ops));
      return r.code === 0 ? undefined : fail('swapping files into place', r);
    },

    async rollback(journal) {
      const ops = opLines(journal.files);
      if (typeof ops !== 'string') return { error: `rolling back failed: ${ops.error}` };
      const r = await exec('rollback', [journal.run], Buffer.from(ops));
      return r.code === 0 ? undefined : fail('rolling back', r);
    },

    async ensure(ops) {
      const lines: string[] = [ops.psql ?? '-'];
      for (const f of ops.folders) {
        if (!FOLDER_PATH.test(f.path) || (f.owner !== undefined && !PLAIN.test(f.owner))) return { error: `making folders failed: refusing ${JSON.stringify(f.path.slice(0, 80))}` };
        lines.push(`${f.mode.toString(8)} ${f.owner ?? '-'} ${f.path}`);
      }
      lines.push('.');
      const sql = ops.roles.length + ops.databases.length ? resourceSql(ops) : '';
      if (sql && ops.psql === undefined) return { error: 'creating roles and databases failed: no psql command' };
      const r = await exec('resources', lines, sql ? Buffer.from(sql) : undefined);
      return r.code === 0 ? undefined : fail('making folders, roles and databases', r);
    },

    run: (command) => t.exec(command),
    httpGet: (url, timeoutMs) => t.httpGet(url, timeoutMs),

    async commit(run, manifest: Manifest | undefined, auditLine) {
      let payload: Buffer | undefined;
      if (manifest) {
        const paths = Object.keys(manifest.files);
        const bad = paths.find((p) => !PLAIN.test(p));
        if (bad !== undefined) return { error: `writing the manifest failed: refusing the path ${JSON.stringify(bad.slice(0, 80))}` };
        // manifest.folders: the folders it records, which the next read looks at (a removed instance's too).
        const folders = Object.keys(manifest.resources ?? {}).filter((k) => k.startsWith('folder:')).map((k) => k.slice('folder:'.length)).filter((p) => FOLDER_PATH.test(p));
        payload = Buffer.from(JSON.stringify(manifest) + '\n' + paths.map((p) => p + '\n').join('') + '.\n' + folders.map((p) => p + '\n').join(''));
      }
      const r = await exec('commit', [run, auditLine, manifest ? 'manifest' : '-'], payload);
      return r.code === 0 ? undefined : fail('writing the manifest', r);
    },

    close: () => t.close(),
  };

  function checkCommand(c: Check, T: string): string {
    switch (c.kind) {
      case 'nginx': {
        // The candidate: the server's own nginx folder as it is, blink's staged
        // files over it, the files this run deletes taken out, and every
        // /etc/nginx/ in it pointing at the copy. nginx -t then checks exactly
        // what a reload would load, http-level settings and unmanaged sites
        // included. A server without nginx.conf (a lab root) gets a generated
        // one that includes the staged tree.
        const V = T.replace(/\/tree$/, '') + '/nginx';
        const L = at('/etc/nginx');
        const conf = V + '/nginx.conf';
        const test = c.command.includes('{file}') ? fillCommand(c.command, { file: conf }) : `${c.command} -c ${q(conf)}`;
        return `V=${q(V)}; rm -rf "$V"; mkdir -p "$V" || exit 1
if [ -f ${q(L + '/nginx.conf')} ]; then
  cp -a ${q(L)}/. "$V"/ && cp -a --remove-destination ${q(T + '/etc/nginx')}/. "$V"/ || exit 1
  while IFS= read -r p; do rm -f -- "$V\${p#/etc/nginx}" || exit 1; done < "$BLINK_GONE"
  find "$V" -type f -exec sed -i "s#/etc/nginx/#$V/#g" {} + || exit 1
else
  cp ${q(T + NGINX_VALIDATE_CONF)} "$V/nginx.conf" || exit 1
fi
${test}`;
      }
      case 'fail2ban':
        return fail2banCheck(c, T, at('/etc/fail2ban'));
      case 'unit':
      case 'logrotate':
      case 'postgres':
        return fillCommand(c.command, { unit: T + c.path, file: T + c.path });
      case 'odoo-conf':
        // The instance's own Python, as Odoo reads the file; python3 if that is
        // not installed yet. With neither, Odoo could not start either, and the
        // unit's check reports the missing interpreter.
        return `p=${q(c.command)}; [ -x "$p" ] || p=$(command -v python3) || p=
if [ -n "$p" ]; then "$p" -c ${q(ODOO_CONF_CHECK)} ${q(T + c.path)}; fi`;
    }
  }
}

// Odoo reads its config with RawConfigParser; strict mode refuses duplicates as Odoo would.
const ODOO_CONF_CHECK = `import configparser, sys
p = configparser.RawConfigParser()
with open(sys.argv[1]) as f:
    p.read_file(f)
if not p.has_section('options'):
    sys.exit('no [options] section')`;

function nginxValidateConf(S: string): string {
  const T = S + '/tree';
  return `# Generated by blink-apply for a server without nginx.conf: nginx -t over the staged tree only.
pid ${S}/nginx.pid;
error_log stderr;
events {}
http {
  server_names_hash_bucket_size 128;
  map_hash_bucket_size 128;
  include ${T}/etc/nginx/conf.d/*.conf;
  include ${T}/etc/nginx/sites-enabled/*;
}
`;
}

function splitSections(text: string, n: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`^@@(\\w+) ${n}$`, 'gm');
  const marks = [...text.matchAll(re)];
  marks.forEach((m, i) => {
    const start = m.index! + m[0].length + 1;
    const end = i + 1 < marks.length ? marks[i + 1]!.index! : text.length;
    out.set(m[1]!, text.slice(start, Math.max(start, end)));
  });
  return out;
}

function nonce(): string {
  return randomBytes(6).toString('hex');
}

const NO_RESOURCES: ResourceQuery = { folders: [], users: [] };

/**
 * The read's input lines about resources: psql, ufw, the users to look up
 * (the service users and the owners' users), the owners' groups, the
 * folders and ".". Values are validated: each is one line of data.
 */
function resourceLines(q: ResourceQuery): { lines: string[] } | { error: string } {
  const owners = (q.owners ?? []).map((o) => o.split(':'));
  const users = [...new Set([...q.users, ...owners.map((o) => o[0]!)])];
  const groups = [...new Set(owners.map((o) => o[1] ?? ''))];
  // An owner not of the form user:group is named whole, before its parts are checked as names.
  const bad = q.folders.find((f) => !FOLDER_PATH.test(f)) ?? q.owners?.find((o) => o.split(':').length !== 2) ?? [...users, ...groups].find((u) => !USER_NAME.test(u));
  if (bad !== undefined) return { error: `refusing ${JSON.stringify(bad.slice(0, 80))}` };
  for (const c of [q.psql, q.ufw]) if (c !== undefined && (c === '-' || c.trim() === '' || /[\n\r\0]/.test(c))) return { error: 'a configured command that is empty or spans lines' };
  const list = (names: string[]): string => (names.length ? names.join(' ') : '-');
  return { lines: [q.psql ?? '-', q.ufw ?? '-', list(users), list(groups), ...q.folders, '.'] };
}

/** A path, owner or link target as a field of a line of script input: no blank, no control character. */
const PLAIN = /^[^\s\u0000-\u001f\u007f]+$/;

/** One line per file for apply-swap.sh and apply-rollback.sh, or why a field cannot be one. */
function opLines(files: readonly FileOp[]): string | { error: string } {
  const out: string[] = [];
  for (const f of files) {
    const fields = [f.owner ?? '-', f.path, f.linkTarget ?? '-'];
    const bad = fields.find((x) => !PLAIN.test(x));
    if (bad !== undefined || !f.path.startsWith('/')) return { error: `refusing the path ${JSON.stringify((bad ?? f.path).slice(0, 80))}` };
    out.push(`${f.op} ${f.hadOld ? 1 : 0} ${(f.mode ?? 0o644).toString(8)} ${fields.join(' ')}\n`);
  }
  return out.join('');
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** A script that exited non-zero, as a Failure naming the step and the last lines it wrote to stderr. */
export function scriptFailure(what: string, r: { code: number; stderr: string; unreachable?: boolean }): Failure {
  return { error: `${what} failed (exit ${r.code})${r.stderr.trim() ? ': ' + lastLines(r.stderr) : ''}`, ...(r.unreachable ? { unreachable: true } : {}) };
}

function lastLines(s: string): string {
  return s.trim().split('\n').slice(-3).join(' | ');
}
