import type { ArtifactKind } from '../model/Artifact.js';

/**
 * Whether a managed path may hold a secret on the server or once applied:
 * then the server's lines are masked in diffs unless known not to be secret
 * (knownPublicLines), and neither side's sha256 is shown, since a hash of a
 * file whose every other line is public lets anyone test guesses of the
 * secret offline. It may when:
 * - the desired file has a secret reference (`desiredHasSecret`);
 * - blink's manifest says the copy it wrote last had one (`wroteSecret`):
 *   a secret the config no longer mentions is still in the server's file;
 * - it is an odoo.conf: Odoo itself writes `admin_passwd` into it when the
 *   master password is set from /web/database, whatever the config says.
 */
export function mayHoldSecrets(kind: ArtifactKind, desiredHasSecret: boolean, wroteSecret: boolean | undefined): boolean {
  return desiredHasSecret || wroteSecret === true || kind === 'odoo-conf';
}
