import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Transport } from './Transport.js';
import type { Check, CheckFailure, Failure, Lock, Remote } from './Remote.js';
import { BLINK_DIR, type LiveFile, type Manifest, type RemoteState } from './RemoteState.js';
import type { JournalPhase } from './Journal.js';
import { fail2banCheck } from './fail2banCheck.js';
import { fillCommand, shellQuote as q } from './shellQuote.js';
import { tar } from './tar.js';

/** A generated nginx.conf including only the staged tree: what nginx -t checks on a server without an nginx.conf of its own. */
export const NGINX_VALIDATE_CONF = '/etc/nginx/blink-validate.conf';

/**
 * Remote over any Transport: each operation is one POSIX shell script, so a
 * server needs only sh, coreutils and tar. Every managed path lives under
 * `root` (`/` on a real server).
 */
export function shellRemote(t: Transport, root: string): Remote {
  const R = root.replace(/\/+$/, '');
  const at = (p: string): string => R + p;
  const B = at(BLINK_DIR);
  const staging = (run: string): string => `${B}/staging/${safeRun(run)}`;
  const backups = (run: string): string => `${B}/backups/${safeRun(run)}`;
  const tmpOf = (p: string, run: string): string => `${at(posix.dirname(p))}/.blink-tmp.${posix.basename(p)}.${safeRun(run)}`;
  const fromRoot = (p: string): string => (R && p.startsWith(R + '/') ? p.slice(R.length) : p);
  const fail = scriptFailure;

  return {
    server: t.server,
    target: t.target,
    async open() {
      const e = await t.open();
      return e === undefined ? undefined : { error: e };
    },

    async read(paths) {
      const n = nonce();
      // No per-path loop: with IFS a newline and globbing off, $paths is one argument per path.
      const script = `set -f
B=${q(B)}; R=${q(R)}
IFS='
'
paths=$(cat)
# What blink wrote last is read too, so orphans are found in the same trip.
if [ -f "$B/manifest.paths" ]; then
  paths=$({ printf '%s\\n' $paths; while IFS= read -r p; do [ -z "$p" ] || printf '%s%s\\n' "$R" "$p"; done < "$B/manifest.paths"; } | sort -u)
fi
echo "@@sha ${n}"
[ -z "$paths" ] || sha256sum -- $paths 2>/dev/null
echo "@@stat ${n}"
[ -z "$paths" ] || QUOTING_STYLE=literal stat --printf '%n\\t%F\\t%a\\t%U:%G\\t%N\\n' -- $paths 2>/dev/null
echo "@@manifest ${n}"; cat "$B/manifest.json" 2>/dev/null; echo
echo "@@journal ${n}"; cat "$B/journal.json" 2>/dev/null; echo
echo "@@phase ${n}"; cat "$B/journal.phase" 2>/dev/null; echo
echo "@@end ${n}"
`;
      const r = await t.exec(script, paths.map(at).join('\n') + '\n');
      const sections = splitSections(r.stdout.toString('utf8'), n);
      if (!sections.has('end')) return fail('reading the server', r);
      return parseState(t.server, sections, fromRoot);
    },

    async fetch(paths) {
      if (paths.length === 0) return new Map();
      const n = nonce();
      // Each file is copied once and sent from the copy: a file replaced while
      // it is read (an interrupted run's swap finishing on the server) must
      // not send one size and another content.
      const script = `t=$(mktemp) || exit 1
for p; do
  [ -f "$p" ] || continue
  cat -- "$p" > "$t" 2>/dev/null || continue
  printf '@@file ${n} %s %s\\n' "$(wc -c < "$t" | tr -d ' ')" "$p"; cat "$t"
done
rm -f "$t"`;
      const r = await t.exec(`set -- ${paths.map((p) => q(at(p))).join(' ')}\n${script}`);
      if (r.code !== 0) return fail('fetching files', r);
      const out = new Map<string, Buffer>();
      const marker = Buffer.from(`@@file ${n} `);
      let i = 0;
      while (i < r.stdout.length) {
        if (!r.stdout.subarray(i, i + marker.length).equals(marker)) return { error: 'fetching files: unreadable answer' };
        const nl = r.stdout.indexOf(10, i);
        const [size, ...name] = r.stdout.subarray(i + marker.length, nl).toString('utf8').split(' ');
        const start = nl + 1;
        out.set(fromRoot(name.join(' ')), r.stdout.subarray(start, start + Number(size)));
        i = start + Number(size);
      }
      return out;
    },

    async lock(owner) {
      // The lock lives as long as the shell holding it: it is removed when our
      // stdin closes, which happens even if this process is killed. A lock left
      // by a rebooted server names a pid that no longer runs there.
      const script = `B=${q(B)}; L="$B/lock"
mkdir -p "$B" || exit 1
if ! mkdir "$L" 2>/dev/null; then
  p=$(cat "$L/pid" 2>/dev/null); [ -n "$p" ] || { sleep 1; p=$(cat "$L/pid" 2>/dev/null); }
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then echo "HELD $(cat "$L/owner" 2>/dev/null)"; exit 0; fi
  rm -rf "$L"
  mkdir "$L" 2>/dev/null || { echo "HELD $(cat "$L/owner" 2>/dev/null)"; exit 0; }
fi
trap 'rm -rf "$L"' EXIT
trap 'exit 1' HUP INT TERM PIPE
echo $$ > "$L/pid"
printf '%s\\n' ${q(owner)} > "$L/owner"
echo LOCKED
cat >/dev/null
`;
      const held = await t.hold(script);
      if (held.firstLine === 'LOCKED') return { held: false, release: held.release } satisfies Lock;
      await held.release();
      if (held.firstLine.startsWith('HELD ')) return { held: true, holder: held.firstLine.slice(5) || 'unknown' };
      return { error: `taking the lock failed: ${held.firstLine.replace(/^ERROR /, '')}` };
    },

    async stage(run, files) {
      const S = staging(run);
      const entries = files.map((f) => ({
        path: 'tree' + f.path,
        mode: f.mode,
        content: f.content,
        // Inside the staging tree a link must point into the staging tree.
        ...(f.linkTarget !== undefined ? { linkTarget: posix.relative(posix.dirname(f.path), f.linkTarget) } : {}),
      }));
      entries.push({ path: 'tree' + NGINX_VALIDATE_CONF, mode: 0o600, content: Buffer.from(nginxValidateConf(S)) });
      const script = `set -e
mkdir -p ${q(B)}/staging; chmod 700 ${q(B)}/staging
rm -rf ${q(S)}; mkdir -p ${q(S)}/tree; chmod 700 ${q(S)}
tar -x -f - -C ${q(S)}
`;
      const r = await t.exec(script, tar(entries));
      return r.code === 0 ? undefined : fail('staging files', r);
    },

    async validate(run, checks) {
      const T = staging(run) + '/tree';
      const n = nonce();
      const one = (c: Check): string => `{ ${checkCommand(c, T)}\n} </dev/null 2>&1\necho "@@rc $? ${n}"`;
      // systemd-analyze verify costs ~50 ms of start-up per call: a first
      // apply's fifty units are verified in one call, and only when that
      // fails one by one, so each failure is still named after its unit.
      const units = checks.filter((c) => c.kind === 'unit' && c.path !== undefined);
      const batch = units.length > 1 && units.every((c) => c.command === units[0]!.command) && /^[^{}]*\{unit\}[^{}]*$/.test(units[0]!.command);
      const lines: string[] = [];
      if (batch) lines.push(`units_ok=0\n{ ${units[0]!.command.replace('{unit}', units.map((c) => q(T + c.path)).join(' '))}\n} </dev/null >/dev/null 2>&1 && units_ok=1`);
      checks.forEach((c, i) => {
        lines.push(`echo "@@check ${i} ${n}"`);
        lines.push(batch && units.includes(c) ? `if [ "$units_ok" = 1 ]; then echo "@@rc 0 ${n}"; else\n${one(c)}\nfi` : one(c));
      });
      const r = await t.exec(lines.join('\n') + '\n');
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
      const run = journal.run;
      const S = staging(run) + '/tree';
      const K = backups(run) + '/tree';
      const out: string[] = [
        'set -e',
        `B=${q(B)}`,
        // Backups may hold secrets: only root looks in there.
        'mkdir -p "$B/backups"; chmod 700 "$B" "$B/backups"',
        `printf 'swapping\\n' > "$B/journal.phase.tmp"; mv -f "$B/journal.phase.tmp" "$B/journal.phase"`,
        // The journal carries the next manifest (hashes of files with secrets).
        '(umask 077; cat > "$B/journal.json.tmp"); mv -f "$B/journal.json.tmp" "$B/journal.json"',
      ];
      const dirs = new Set<string>();
      for (const f of journal.files) {
        if (!f.hadOld) continue;
        const d = K + posix.dirname(f.path);
        if (!dirs.has(d)) out.push(`mkdir -p ${q(d)}`), dirs.add(d);
        out.push(`cp -a ${q(at(f.path))} ${q(K + f.path)}`);
      }
      for (const f of journal.files) {
        if (f.op !== 'write') continue;
        const d = at(posix.dirname(f.path));
        if (!dirs.has(d)) out.push(`mkdir -p ${q(d)}`), dirs.add(d);
        const tmp = q(tmpOf(f.path, run));
        if (f.linkTarget !== undefined) out.push(`rm -f ${tmp}; ln -s ${q(at(f.linkTarget))} ${tmp}`);
        else out.push(`cp ${q(S + f.path)} ${tmp}`, `chmod ${(f.mode ?? 0o644).toString(8)} ${tmp}`);
        if (f.owner) out.push(`chown -h ${q(f.owner)} ${tmp}`);
      }
      out.push('sync');
      // From here on every step is a rename or an unlink: each file is old or new, never partial.
      for (const f of journal.files) {
        if (f.op === 'write') out.push(`mv -fT ${q(tmpOf(f.path, run))} ${q(at(f.path))}`);
        else out.push(`rm -f ${q(at(f.path))}`);
      }
      out.push('sync', `printf 'swapped\\n' > "$B/journal.phase.tmp"; mv -f "$B/journal.phase.tmp" "$B/journal.phase"`);
      const r = await t.exec(out.join('\n') + '\n', JSON.stringify(journal) + '\n');
      return r.code === 0 ? undefined : fail('swapping files into place', r);
    },

    async rollback(journal) {
      const run = journal.run;
      const K = backups(run) + '/tree';
      const out: string[] = [`B=${q(B)}`, `printf 'rolling-back\\n' > "$B/journal.phase.tmp"; mv -f "$B/journal.phase.tmp" "$B/journal.phase"`, 'ok=0'];
      for (const f of journal.files) {
        const live = q(at(f.path));
        const tmp = q(tmpOf(f.path, run));
        const bak = q(K + f.path);
        // No backup of an old file means the run never got to its renames: what is live is old.
        if (f.hadOld) out.push(`if [ -e ${bak} ] || [ -h ${bak} ]; then rm -f ${tmp}; cp -a ${bak} ${tmp} && mv -fT ${tmp} ${live} || ok=1; fi`);
        else if (f.op === 'write') out.push(`rm -f ${live} || ok=1`);
        out.push(`rm -f ${tmp}`);
      }
      out.push('sync', 'exit $ok');
      const r = await t.exec(out.join('\n') + '\n');
      return r.code === 0 ? undefined : fail('rolling back', r);
    },

    run: (command) => t.exec(command),
    httpGet: (url, timeoutMs) => t.httpGet(url, timeoutMs),

    async commit(run, manifest: Manifest | undefined, auditLine) {
      const out = [
        'set -e',
        `B=${q(B)}`,
        // The manifest hashes files that hold secrets: root's alone, like the backups.
        'umask 077',
        'mkdir -p "$B"; chmod 700 "$B"',
        manifest ? 'cat > "$B/manifest.json.tmp"; chmod 600 "$B/manifest.json.tmp"; mv -f "$B/manifest.json.tmp" "$B/manifest.json"' : '',
        manifest ? `cat > "$B/manifest.paths.tmp" <<'BLINK_PATHS_END'\n${Object.keys(manifest.files).join('\n')}\nBLINK_PATHS_END\nmv -f "$B/manifest.paths.tmp" "$B/manifest.paths"` : '',
        `printf '%s\\n' ${q(auditLine)} >> "$B/audit.log"`,
        'rm -f "$B/journal.json" "$B/journal.phase"',
        `rm -rf ${q(staging(run))}`,
        // Keep the ten newest runs' backups.
        'if [ -d "$B/backups" ]; then ls -1 "$B/backups" | sort | head -n -10 | while IFS= read -r d; do rm -rf "$B/backups/$d"; done; fi',
      ];
      const r = await t.exec(out.join('\n') + '\n', manifest ? JSON.stringify(manifest) + '\n' : '');
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
        const gone = (c.remove ?? []).filter((p) => p.startsWith('/etc/nginx/')).map((p) => q(V + p.slice('/etc/nginx'.length)));
        const test = c.command.includes('{file}') ? fillCommand(c.command, { file: conf }) : `${c.command} -c ${q(conf)}`;
        return `V=${q(V)}; rm -rf "$V"; mkdir -p "$V" || exit 1
if [ -f ${q(L + '/nginx.conf')} ]; then
  cp -a ${q(L)}/. "$V"/ && cp -a --remove-destination ${q(T + '/etc/nginx')}/. "$V"/ || exit 1
  ${gone.length ? `rm -f ${gone.join(' ')} || exit 1` : ':'}
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

function parseState(server: string, s: Map<string, string>, fromRoot: (p: string) => string): RemoteState {
  const files = new Map<string, LiveFile>();
  const hashes = new Map<string, string>();
  for (const line of (s.get('sha') ?? '').split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.*)$/.exec(line);
    if (m) hashes.set(m[2]!, m[1]!);
  }
  for (const line of (s.get('stat') ?? '').split('\n')) {
    const [name, type, mode, owner, quoted] = line.split('\t');
    if (!name || !type || !mode || !owner) continue;
    const f: LiveFile = {
      type: type.startsWith('regular') ? 'file' : type === 'symbolic link' ? 'link' : 'other',
      mode: parseInt(mode, 8),
      owner,
    };
    const sha = hashes.get(name);
    if (f.type === 'file' && sha) f.sha256 = sha;
    if (f.type === 'link' && quoted?.startsWith(name + ' -> ')) f.linkTarget = fromRoot(quoted.slice(name.length + 4));
    files.set(fromRoot(name), f);
  }
  const state: RemoteState = { server, files, problems: [] };
  const manifest = (s.get('manifest') ?? '').trim();
  if (manifest) {
    try {
      state.manifest = JSON.parse(manifest);
    } catch {
      state.problems.push('the manifest /var/lib/blink/manifest.json is not valid JSON');
    }
  }
  const journal = (s.get('journal') ?? '').trim();
  if (journal) {
    try {
      state.journal = JSON.parse(journal);
      state.journalPhase = ((s.get('phase') ?? '').trim() || 'swapping') as JournalPhase;
    } catch {
      state.problems.push('the journal /var/lib/blink/journal.json is not valid JSON');
    }
  }
  return state;
}

function nonce(): string {
  return randomBytes(6).toString('hex');
}

function safeRun(run: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(run)) throw new Error(`invalid run id ${run}`);
  return run;
}

/** A script that exited non-zero, as a Failure naming the step and the last lines it wrote to stderr. */
export function scriptFailure(what: string, r: { code: number; stderr: string; unreachable?: boolean }): Failure {
  return { error: `${what} failed (exit ${r.code})${r.stderr.trim() ? ': ' + lastLines(r.stderr) : ''}`, ...(r.unreachable ? { unreachable: true } : {}) };
}

function lastLines(s: string): string {
  return s.trim().split('\n').slice(-3).join(' | ');
}
