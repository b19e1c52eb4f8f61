/** A warning about one server is left out of a run limited to other servers; errors never are. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { error, forServers, warning } from '../../src/diagnostics/Diagnostic.js';
import { buildTree, editClients } from '../support/configTree.js';

const s = suite('warnings of servers outside the selection');

s('capacity warnings name their server, and forServers keeps only the selected ones', () => {
  const r = buildTree(editClients('kind: production, port: 8069, workers: 2 }', 'kind: production, port: 8069, workers: 9 }'));
  const capacity = r.diagnostics.filter((d) => d.code === 'BLINK311');
  assert.is(capacity.length, 1);
  assert.is(capacity[0]!.server, 'aws-1');
  assert.equal(forServers(capacity, new Set(['lab'])), []);
  assert.equal(forServers(capacity, new Set(['aws-1'])), capacity);
  const other = [error('BLINK300', 'port clash'), warning('BLINK312', 'a host file for nobody')];
  assert.equal(forServers(other, new Set(['lab'])), other, 'errors and warnings about no server always stay');
});

s.run();
