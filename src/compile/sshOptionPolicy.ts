/**
 * The `-o` options clients.yaml may give ssh. A `--diff` runs ssh on the
 * operator's or CI's machine, and clients.yaml arrives by pull request, so an
 * option that runs a program (ProxyCommand, LocalCommand, KnownHostsCommand),
 * loads a library (PKCS11Provider, SecurityKeyProvider), hands the server the
 * operator's agent or X display, drops host key checking, or takes over the
 * connection blink manages (ControlPath, RemoteCommand) is refused. Allowed
 * options have their values checked too, so nothing else rides along.
 * Operators who need more use their own ssh_config (`--ssh-config`), which
 * is theirs to trust, not the repository's.
 */
const NUMBER = /^\d{1,6}$/;
const YES_NO = /^(yes|no)$/i;
const PATH = /^[A-Za-z0-9._~\/+-]+$/;
const HOST = /^(?!-)[A-Za-z0-9._\[\]:-]+$/;
const LIST = /^[A-Za-z0-9@._+,^-]+$/;

/** One ssh destination (`user@host`, `host:port`, an alias), never an option: clients.yaml's `ssh:` pattern in the schema. */
const DESTINATION = String.raw`(?!-)[A-Za-z0-9._@:\[\]-]+`;
export const SSH_DESTINATION = new RegExp(`^${DESTINATION}$`);

const ALLOWED: Record<string, RegExp> = {
  port: NUMBER,
  user: /^(?!-)[A-Za-z0-9._-]+$/,
  hostname: HOST,
  hostkeyalias: HOST,
  connecttimeout: NUMBER,
  connectionattempts: NUMBER,
  serveraliveinterval: NUMBER,
  serveralivecountmax: NUMBER,
  tcpkeepalive: YES_NO,
  compression: YES_NO,
  // Checking may be made stricter, never turned off.
  stricthostkeychecking: /^(yes|accept-new)$/i,
  checkhostip: YES_NO,
  updatehostkeys: /^(yes|no|ask)$/i,
  verifyhostkeydns: /^(yes|no|ask)$/i,
  userknownhostsfile: PATH,
  identityfile: PATH,
  certificatefile: PATH,
  identitiesonly: YES_NO,
  identityagent: PATH,
  addressfamily: /^(any|inet|inet6)$/i,
  bindaddress: HOST,
  bindinterface: /^[A-Za-z0-9._-]+$/,
  ciphers: LIST,
  macs: LIST,
  kexalgorithms: LIST,
  hostkeyalgorithms: LIST,
  pubkeyacceptedalgorithms: LIST,
  preferredauthentications: LIST,
  pubkeyauthentication: YES_NO,
  gssapiauthentication: YES_NO,
  loglevel: /^(quiet|fatal|error|info|verbose|debug[123]?)$/i,
  ipqos: /^[A-Za-z0-9 ]+$/,
  rekeylimit: /^[A-Za-z0-9 ]+$/,
  // A bastion: ssh runs itself (`ssh -W`) towards these hosts, nothing else.
  proxyjump: new RegExp(`^${DESTINATION}(,${DESTINATION})*$`),
};

/** Why `option` (as written: `Key=value`) may not be given to ssh, or undefined when it may. */
export function sshOptionRefusal(option: string): string | undefined {
  const eq = option.indexOf('=');
  const key = (eq < 0 ? option : option.slice(0, eq)).trim();
  const value = eq < 0 ? '' : option.slice(eq + 1).trim();
  const rule = ALLOWED[key.toLowerCase()];
  if (!rule) return `${key} is not an ssh option blink passes on`;
  if (!rule.test(value)) return `${key}=${value} is not a value blink passes on for ${key}`;
  return undefined;
}

/** The allowed option names, for the hint. */
export const SSH_OPTIONS_ALLOWED = Object.keys(ALLOWED);
