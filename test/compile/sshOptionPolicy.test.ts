import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { SSH_DESTINATION, sshOptionRefusal } from '../../src/compile/sshOptionPolicy.js';

const s = suite('ssh options from clients.yaml');

s('options that run programs, load code, forward secrets or weaken host checks are refused', () => {
  for (const o of [
    'ProxyCommand=nc %h %p',
    'proxycommand=sh -c "id"',
    'LocalCommand=touch /tmp/x',
    'PermitLocalCommand=yes',
    'KnownHostsCommand=/bin/true',
    'PKCS11Provider=/tmp/evil.so',
    'SecurityKeyProvider=/tmp/evil.so',
    'ForwardAgent=yes',
    'ForwardX11=yes',
    'RemoteCommand=id',
    'ControlPath=/tmp/x',
    'StrictHostKeyChecking=no',
    'UserKnownHostsFile=/dev/null /tmp/x',
    'ProxyJump=-oProxyCommand=id',
    'Port=22 -oProxyCommand=id',
    'Include=/etc/passwd',
  ]) assert.ok(sshOptionRefusal(o), o);
});

s('ordinary connection settings pass, keys in any case', () => {
  for (const o of ['ConnectTimeout=5', 'port=2222', 'User=deploy', 'StrictHostKeyChecking=accept-new', 'IdentityFile=~/.ssh/id_ed25519', 'ProxyJump=bastion.example.test,ops@jump2:2222', 'ServerAliveInterval=30', 'Ciphers=aes256-gcm@openssh.com,chacha20-poly1305@openssh.com']) {
    assert.is(sshOptionRefusal(o), undefined, o);
  }
});

s("one destination pattern: the schema's ssh, each host of ProxyJump, and the connection hints of blink-apply", () => {
  const schema = JSON.parse(readFileSync(new URL('../../schema/clients.schema.json', import.meta.url), 'utf8')) as { definitions: { server: { properties: { ssh: { pattern: string } } } } };
  assert.is(SSH_DESTINATION.source, schema.definitions.server.properties.ssh.pattern);
  for (const ok of ['root@10.0.0.5', 'srv-1:2222', '[::1]:22', 'bastion']) assert.ok(SSH_DESTINATION.test(ok), ok);
  for (const bad of ['-oProxyCommand=x', 'a b', 'a,b', '']) assert.not.ok(SSH_DESTINATION.test(bad), bad);
  assert.is(sshOptionRefusal('ProxyJump=admin@bastion,root@[::1]:22'), undefined);
  assert.ok(sshOptionRefusal('ProxyJump=bastion,-oProxyCommand=x'));
});

s.run();
