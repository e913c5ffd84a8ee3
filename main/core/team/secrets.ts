/**
 * The secrets the team host hands out — device tokens (`cdk_`), invite codes
 * (`cdi_`) and browser sessions (`cds_`): a prefix, the row's id, and 256
 * random bits. Only their keyed hash is stored (host-key.ts); the id finds
 * the row, the hash is compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export type SecretKind = 'cdk' | 'cdi' | 'cds';

/** 32 random bytes, base64url: always 43 characters. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function composeSecret(kind: SecretKind, id: string, secret: string): string {
  return `${kind}_${id}_${secret}`;
}

const SECRET_LENGTH = 43;

/** The id and secret in a presented text, or null when it is not one of `kind` (never throws: it is untrusted input). */
export function parseSecret(kind: SecretKind, text: unknown): { id: string; secret: string } | null {
  if (typeof text !== 'string' || text.length > 200) return null;
  // The secret's alphabet includes '_': take it from the end, where its length is fixed.
  const m = /^([a-z]{3})_([a-z]+_[0-9a-z]{1,64})_([A-Za-z0-9_-]{43})$/.exec(text.trim());
  if (!m || m[1] !== kind || m[3]!.length !== SECRET_LENGTH) return null;
  return { id: m[2]!, secret: m[3]! };
}

/** Two hex hashes equal, in time that does not depend on where they differ. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
