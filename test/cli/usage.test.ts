/** Usage mistakes read the same in every CLI: the CLI's name, what is wrong, a did-you-mean, exit 1. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyCli } from '../../src/cli/apply.js';
import { deployCli } from '../../src/cli/deploy.js';
import { parseCliArgs } from '../../src/cli/parseCliArgs.js';
import { renderCli } from '../../src/cli/render.js';
import { recordingIo } from '../support/cliIo.js';

const s = suite('usage mistakes');
const OPTIONS = { host: { type: 'string', multiple: true }, yes: { type: 'boolean', short: 'y' }, 'dry-run': { type: 'boolean' } } as const;

s('each kind of mistake in words a user can act on', () => {
  const said = (argv: string[], positionals = false): string => {
    const r = parseCliArgs(argv, OPTIONS, positionals);
    return 'error' in r ? r.error : 'ok';
  };
  assert.is(said(['--hots', 'a']), 'unknown option --hots (did you mean --host?)');
  assert.is(said(['--dryrun']), 'unknown option --dryrun (did you mean --dry-run?)');
  assert.is(said(['--zzzzzz']), 'unknown option --zzzzzz');
  assert.is(said(['-q']), 'unknown option -q');
  assert.is(said(['--host']), '--host needs a value');
  assert.is(said(['--yes=please']), '--yes takes no value');
  assert.is(said(['stray']), "unexpected argument 'stray'");
  assert.is(said(['stray'], true), 'ok');
  assert.is(said(['-y', '--host', 'a', '--host', 'b']), 'ok');
});

s('the three CLIs say it the same way and exit 1', async () => {
  for (const [name, cli] of [['blink-render', renderCli], ['blink-apply', applyCli], ['blink-deploy', deployCli]] as const) {
    const io = recordingIo('/nonexistent');
    const code = await cli(['--hots', 'x'], io);
    assert.is(code, 1, name);
    assert.is(io.err(), `${name}: unknown option --hots (did you mean --host?)\nRun ${name} --help for the options.\n`);
  }
});

s.run();
