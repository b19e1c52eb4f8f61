import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryOutFs } from '../../src/write/memoryOutFs.js';

const text = (b: Uint8Array | undefined): string | undefined => (b ? Buffer.from(b).toString('utf8') : undefined);
const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

const s = suite('memoryOutFs');

s('seeds files, links and folders, parents implied', () => {
  const fs = memoryOutFs({ '/o/a/b.txt': 'hi', '/o/x': { content: 'run', mode: 0o755 }, '/o/l': { link: 'a/b.txt' }, '/o/e': { dir: true } });
  assert.is(text(fs.read('/o/a/b.txt')?.bytes), 'hi');
  assert.is(fs.read('/o/x')?.mode, 0o755);
  assert.equal(fs.lstat('/o/l'), { type: 'link', mode: 0o777, linkTarget: 'a/b.txt' });
  assert.is(fs.read('/o/l'), undefined, 'read is for regular files only');
  assert.equal([...fs.list('/o')!].sort(), [['a', 'dir'], ['a/b.txt', 'file'], ['e', 'dir'], ['l', 'link'], ['x', 'file']]);
  assert.is(fs.list('/o/x'), undefined);
  assert.is(fs.list('/nope'), undefined);
});

s('writing needs the parent folder; mkdirp makes every level', () => {
  const fs = memoryOutFs();
  assert.is(codeOf(() => fs.writeFile('/a/b/c', new Uint8Array(), 0o644)), 'ENOENT');
  fs.mkdirp('/a/b');
  fs.writeFile('/a/b/c', Buffer.from('x'), 0o600);
  assert.equal(fs.lstat('/a/b/c'), { type: 'file', mode: 0o600 });
  assert.is(codeOf(() => fs.mkdirp('/a/b/c/d')), 'EEXIST');
  assert.is(codeOf(() => fs.writeFile('/a/b', new Uint8Array(), 0o644)), 'EISDIR');
});

s('rename replaces a file, fills an empty folder, refuses a full one', () => {
  const fs = memoryOutFs({ '/t/a': 'new', '/t/b': 'old', '/src/f': 'moved', '/dst/': { dir: true }, '/full/x': 'x' });
  fs.rename('/t/a', '/t/b');
  assert.is(text(fs.read('/t/b')?.bytes), 'new');
  assert.is(fs.lstat('/t/a'), undefined);
  fs.rename('/src', '/dst');
  assert.is(text(fs.read('/dst/f')?.bytes), 'moved');
  assert.is(fs.lstat('/src'), undefined);
  assert.is(codeOf(() => fs.rename('/dst', '/full')), 'ENOTEMPTY');
  assert.is(codeOf(() => fs.rename('/nope', '/x')), 'ENOENT');
});

s('unlink and rmdir keep to their kind; rmdir refuses a non-empty folder', () => {
  const fs = memoryOutFs({ '/d/f': 'x', '/d/l': { link: 'f' } });
  assert.is(codeOf(() => fs.unlink('/d')), 'EISDIR');
  assert.is(codeOf(() => fs.rmdir('/d')), 'ENOTEMPTY');
  assert.is(codeOf(() => fs.rmdir('/d/f')), 'ENOTDIR');
  fs.unlink('/d/l');
  fs.unlink('/d/f');
  fs.rmdir('/d');
  assert.equal(fs.snapshot(), ['/ dir']);
});

s('symlink refuses an existing path', () => {
  const fs = memoryOutFs({ '/d/f': 'x' });
  assert.is(codeOf(() => fs.symlink('x', '/d/f')), 'EEXIST');
  fs.symlink('f', '/d/g');
  assert.is(fs.lstat('/d/g')?.linkTarget, 'f');
});

s('failOn makes exactly the nth call of an operation throw, with the code', () => {
  const fs = memoryOutFs({ '/d/': { dir: true } });
  fs.failOn('writeFile', 2, 'ENOSPC');
  fs.writeFile('/d/1', new Uint8Array(), 0o644);
  assert.is(codeOf(() => fs.writeFile('/d/2', new Uint8Array(), 0o644)), 'ENOSPC');
  fs.writeFile('/d/3', new Uint8Array(), 0o644);
  assert.is(fs.calls.writeFile, 3);
  assert.is(fs.lstat('/d/2'), undefined);
});

s('snapshot shows a rewrite even with the same bytes', () => {
  const fs = memoryOutFs({ '/f': 'same' });
  const before = fs.snapshot();
  fs.writeFile('/f', Buffer.from('same'), 0o644);
  assert.not.equal(fs.snapshot(), before);
});

s.run();
