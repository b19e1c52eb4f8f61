import { randomBytes } from 'node:crypto';
import type { Transport } from './Transport.js';
import type { Failure } from './Remote.js';
import type { DeployRemote } from './DeployRemote.js';
import type { DeployJournal } from './DeployState.js';
import { parseInstanceReleases, type RawInstanceReleases } from './parseInstanceReleases.js';
import { deployScript, type DeployScriptName } from './deployScripts.js';
import { scriptInput } from './scriptInput.js';
import { scriptFailure, shellRemote } from './shellRemote.js';
import { tar, type TarEntry } from './tar.js';

/**
 * DeployRemote over any Transport, sharing blink-apply's lock (and, over
 * ssh, its master connection): each operation is one script of
 * src/remote/sh, its values given on stdin.
 */
export function shellDeployRemote(t: Transport, root: string): DeployRemote {
  const R = root.replace(/\/+$/, '');
  const base = shellRemote(t, root);
  const exec = async (name: DeployScriptName, values: string[], payload?: Uint8Array) => {
    const input = scriptInput([R, ...values], payload);
    if ('error' in input) return { code: 2, stdout: Buffer.alloc(0), stderr: input.error };
    return t.exec(deployScript(name), input);
  };
  const done = (what: string, r: { code: number; stderr: string; unreachable?: boolean }): Failure | undefined => (r.code === 0 ? undefined : scriptFailure(what, r));

  return {
    server: t.server,
    target: t.target,
    open: () => base.open(),
    lock: (owner) => base.lock(owner),

    async read(items) {
      const n = randomBytes(6).toString('hex');
      const input = scriptInput([n, R, ...items.flatMap((i) => [i.releaseDir, i.withFiles ? 'current' : i.releases ? 'releases' : i.onlyInterrupted ? 'journal' : '-'])]);
      if ('error' in input) return { error: input.error };
      const r = await t.exec(deployScript('read'), input);
      const text = r.stdout.toString('utf8');
      if (!text.includes(`@@end ${n}\n`)) return done('reading release folders', { ...r, code: r.code || 1 })!;
      const raws = splitInstances(text, n);
      return items.map((item, i) => parseInstanceReleases(instanceOf(item.releaseDir), raws[i] ?? {}, item.withFiles === true));
    },

    async upload(u, j) {
      const entries: TarEntry[] = u.files.map((f) => ({ path: `tree/${f.path}`, mode: f.mode, content: f.content }));
      entries.push({ path: 'meta/record.json', mode: 0o644, content: Buffer.from(JSON.stringify(u.record) + '\n') });
      const lists = u.removed.map((p) => `${p}\n`).join('') + '.\n' + u.moved.map(([a, b]) => `${a}\t${b}\n`).join('') + '.\n';
      const r = await exec('upload', [u.releaseDir, journalLine(j), u.commit, u.run, u.previous ?? '-', u.digest], Buffer.concat([Buffer.from(lists), tar(entries)]));
      return done('uploading the release', r);
    },

    async journal(releaseDir, j) {
      const r = await exec('journal', [releaseDir, j ? 'write' : 'remove'], j ? Buffer.from(JSON.stringify(j) + '\n') : undefined);
      return done(j ? `writing the deploy journal (${j.phase})` : 'removing the deploy journal', r);
    },

    async switchTo(releaseDir, commit, j) {
      return done(`switching current to ${commit ?? 'nothing'}`, await exec('switch', [releaseDir, journalLine(j), commit ?? '-']));
    },

    update: (u, j) => exec('update', [u.releaseDir, journalLine(j), u.user, u.python, u.odooBin, u.conf, u.db, u.addonsPath, u.log, ...u.args]),

    async backup(command, dir) {
      const r = await exec('backup', [command, dir]);
      const f = done('the pre-update backup', r);
      if (f) return f;
      const stamp = r.stdout.toString('utf8').trim().split('\n').pop() ?? '';
      return /^[0-9TZ]{1,40}$/.test(stamp) ? { stamp } : { error: `the pre-update backup left no backup in ${dir}` };
    },

    run: (command) => base.run(command),
    httpGet: (url, timeoutMs) => base.httpGet(url, timeoutMs),

    async finish(f) {
      const values = [f.releaseDir, String(f.keep), f.current ?? '-', f.previous ?? '-', f.audit, f.state ? 'state' : '-'];
      return done('finishing the deploy', await exec('finish', values, f.state ? Buffer.from(JSON.stringify(f.state) + '\n') : undefined));
    },

    close: () => base.close(),
  };
}

/** A journal as one line of script input (JSON has no raw line breaks), or "-" for none. */
function journalLine(j: DeployJournal | undefined): string {
  return j ? JSON.stringify(j) : '-';
}

function splitInstances(text: string, n: string): RawInstanceReleases[] {
  const out: RawInstanceReleases[] = [];
  const re = new RegExp(`^@@(\\w+) ${n}(?: (\\d+))?$`, 'gm');
  const marks = [...text.matchAll(re)];
  let cur: RawInstanceReleases | undefined;
  marks.forEach((m, i) => {
    const start = m.index! + m[0].length + 1;
    const end = i + 1 < marks.length ? marks[i + 1]!.index! : text.length;
    const body = text.slice(start, Math.max(start, end));
    const name = m[1]!;
    if (name === 'instance') out[Number(m[2])] = cur = {};
    else if (name === 'unsafe' && cur) cur.unsafe = true;
    else if (cur && (name === 'current' || name === 'state' || name === 'journal' || name === 'entries' || name === 'record' || name === 'files')) cur[name] = body;
  });
  return out;
}

function instanceOf(releaseDir: string): string {
  return releaseDir.replace(/\/+$/, '').split('/').pop() ?? '';
}
