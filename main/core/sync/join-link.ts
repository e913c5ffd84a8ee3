/**
 * An invite link (https://HOST[:PORT]/join#invite=CODE&fp=SHA256), or its
 * parts given apart: where the team host is, the one-time invite code, and the
 * certificate fingerprint to pin. The code rides in the fragment, which a
 * browser never sends to a server.
 */
import { InputError } from '../util/errors.js';

export interface JoinLink {
  url: string;
  invite: string;
  fingerprint: string;
}

const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

/** SHA-256 fingerprint as AA:BB:…, from either that form or 64 hex digits. */
export function checkFingerprint(fp: string, field = '--fingerprint'): string {
  const hex = fp.replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new InputError(`${field} must be the certificate's SHA-256 fingerprint (64 hex digits, colons allowed), as \`serve --team\` prints it`, field);
  const out = hex.match(/../g)!.join(':');
  if (!FINGERPRINT.test(out)) throw new InputError(`${field} is not a SHA-256 fingerprint`, field);
  return out;
}

export function parseHostUrl(text: string, field = 'link'): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new InputError(`${field} must be the team host's https:// address, as the invite link gives it`, field);
  }
  if (u.protocol !== 'https:') throw new InputError(`${field} must be an https:// address: members only ever talk to the team host over TLS`, field);
  if (u.username || u.password) throw new InputError(`${field} must not carry a user or password`, field);
  return u.origin;
}

export function parseJoinLink(link: string, parts: { invite?: string; fingerprint?: string } = {}): JoinLink {
  const url = parseHostUrl(link);
  const hash = new URLSearchParams(new URL(link).hash.replace(/^#/, ''));
  const invite = parts.invite ?? hash.get('invite');
  const fp = parts.fingerprint ?? hash.get('fp');
  if (!invite) throw new InputError('the link has no invite code: paste the whole link, or give --invite CODE', 'invite');
  if (!/^cdi_[A-Za-z0-9_-]{8,200}$/.test(invite)) throw new InputError('that is not an invite code (it starts cdi_)', 'invite');
  if (!fp) throw new InputError("the link has no certificate fingerprint: give --fingerprint with the one the team's owner sees", 'fingerprint');
  return { url, invite, fingerprint: checkFingerprint(fp) };
}

/**
 * A team this device has joined already (the same host and certificate) is
 * refused before the invite is redeemed: an invite works once, and spending it
 * on a second membership would leave the member with nothing to join again with.
 * `leave` says how to leave it, in the transport's words.
 */
export function refuseJoinedAgain(joined: readonly { host: string; fingerprint: string; alias: string; team: { name: string } }[], link: JoinLink, leave: (alias: string) => string): void {
  const t = joined.find((x) => x.host === link.url && x.fingerprint === link.fingerprint);
  if (t) throw new InputError(`this device has already joined ${t.team.name} at ${t.host}; the invite was not used. To join it again, ${leave(t.alias)} first`, 'link');
}
