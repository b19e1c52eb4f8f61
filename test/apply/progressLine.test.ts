import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { progressLine } from '../../src/apply/progressLine.js';
import { recordingIo } from '../support/cliIo.js';

const progress = suite('progress lines');

/** What a terminal would show: apply the cursor-up/erase sequences the way a VT100 does, for this simple use. */
function screen(raw: string): string[] {
  const rows: string[] = [];
  let row = 0;
  for (const part of raw.split(/(\x1b\[\d*A|\r|\x1b\[J|\x1b\[K|\n)/)) {
    if (!part) continue;
    const up = /^\x1b\[(\d*)A$/.exec(part);
    if (up) row = Math.max(0, row - Number(up[1] || 1));
    else if (part === '\x1b[J') rows.length = row;
    else if (part === '\n') row++;
    else if (part !== '\r' && part !== '\x1b[K') rows[row] = (rows[row] ?? '') + part;
  }
  return rows.filter((r) => r !== undefined);
}

progress('one line per server, redrawn in place, plus a count', () => {
  const io = recordingIo('/', { tty: true });
  const p = progressLine(io, ['aws-1', 'lab']);
  p.update('aws-1', 'connecting');
  p.update('lab', 'reading');
  p.update('aws-1', 'planned');
  assert.equal(screen(io.err()), ['  aws-1: planned', '  lab: reading', '  [1/2 servers done]']);
  p.clear();
  assert.equal(screen(io.err()), []);
});

progress('many servers: finished ones give up their lines', () => {
  const io = recordingIo('/', { tty: true });
  const names = Array.from({ length: 30 }, (_, i) => `s${i}`);
  const p = progressLine(io, names);
  for (const n of names.slice(0, 25)) p.update(n, 'planned');
  p.update('s26', 'reading');
  const rows = screen(io.err());
  assert.ok(rows.length <= 20);
  assert.is(rows.at(-1), '  [25/30 servers done]');
  assert.ok(rows.includes('  s26: reading'));
});

progress('nothing at all when stderr is not a terminal', () => {
  const io = recordingIo('/');
  const p = progressLine(io, ['aws-1']);
  p.update('aws-1', 'reading');
  p.clear();
  assert.is(io.err(), '');
});

progress.run();
