/**
 * The teams this desktop app joined as a member: who it is there, the host and
 * the pinned certificate fingerprint in memberships/ALIAS.json (owner-only), and
 * the device token apart, encrypted with safeStorage in ALIAS.token.bin (the OS
 * keychain; refused where safeStorage would not really protect it, as for the
 * Stripe keys: secrets.ts). The token is decrypted in the main process only,
 * for the request to the host; never sent to the window or logged. (The
 * command line keeps its own teams beside the ledger: main/core/sync/credentials.ts.)
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TeamCredentials } from '../core/sync/credentials.js';
import { InputError } from '../core/util/errors.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../core/util/private-files.js';
import type { SafeStorageLike } from './electron-api.js';
import { storageRefusal } from './secrets.js';

export const MEMBERSHIPS_DIR = 'memberships';

export type StoredTeam = Omit<TeamCredentials, 'token'>;

export interface MembershipStore {
  list(): StoredTeam[];
  /** The credentials with the token decrypted; a clear error when it cannot be. */
  credentials(alias: string): TeamCredentials;
  save(c: TeamCredentials): void;
  /** Throws, saying why, when the token could not be kept safely here: asked before an invite is spent. */
  check(): void;
  forget(alias: string): void;
}

/** Whole file or nothing, owner-only. */
function writePrivate(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: PRIVATE_FILE_MODE });
  renameSync(tmp, file);
}

export function membershipStore(userData: string, safeStorage: SafeStorageLike | undefined, platform: NodeJS.Platform = process.platform): MembershipStore {
  const dir = join(userData, MEMBERSHIPS_DIR);
  const info = (alias: string) => join(dir, `${alias}.json`);
  const secret = (alias: string) => join(dir, `${alias}.token.bin`);
  const protectedStorage = (): SafeStorageLike => {
    const refused = safeStorage ? storageRefusal(safeStorage, platform) : 'this system offers no encrypted storage to Creditdeck';
    if (refused || !safeStorage) {
      const why = refused?.includes('keyring') ? 'no keyring is running on this system (install and start gnome-keyring or KWallet, then restart Creditdeck)' : 'this system offers no encrypted storage to Creditdeck';
      throw new InputError(`the device token cannot be kept safely here: ${why}. Nothing was joined; join from the command line instead, which keeps it in an owner-only file`, 'link');
    }
    return safeStorage;
  };
  const list = (): StoredTeam[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StoredTeam)
      : [];
  return {
    list,
    credentials(alias) {
      const t = list().find((x) => x.alias === alias);
      if (!t) throw new InputError(`this app has not joined a team called ${alias}`, 'team');
      let token: string;
      try {
        token = protectedStorage().decryptString(readFileSync(secret(alias)));
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`this device's token for ${t.team.name} could not be decrypted (another user or machine?): leave the team here and join again with a new invite`, 'team');
      }
      return { ...t, token };
    },
    save(c) {
      const storage = protectedStorage();
      makePrivateDir(dir);
      const { token, ...rest } = c;
      writePrivate(secret(c.alias), storage.encryptString(token));
      writePrivate(info(c.alias), JSON.stringify(rest, null, 2) + '\n');
    },
    check() {
      protectedStorage();
    },
    forget(alias) {
      rmSync(info(alias), { force: true });
      rmSync(secret(alias), { force: true });
    },
  };
}
