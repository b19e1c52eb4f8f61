import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sshOptionRefusal } from '../../src/compile/sshOptionPolicy.js';

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

s.run();
