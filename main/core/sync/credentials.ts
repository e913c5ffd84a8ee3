/**
 * What a member's command line keeps of each team it joined: the host, the
 * pinned certificate fingerprint, who they are there, and their device token —
 * one owner-only JSON file per team under `teams/` beside the local ledger.
 * The desktop app keeps the token with safeStorage instead. The team is named
 * in commands by its alias (the team's name in lower case: `studio/ACCOUNT`).
 */
import { closeSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../util/errors.js';
import { createPrivateFile, makePrivateDir } from '../util/private-files.js';

export interface TeamCredentials {
  alias: string;
  team: { id: string; name: string };
  host: string;
  fingerprint: string;
  member: string;
  name: string;
  role: string;
  device: string;
  token: string;
  joinedAt: string;
}

/** The team's name as a command's prefix: lower case letters, digits and dashes. */
export function teamAlias(name: string): string {
  const a = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return a || 'team';
}

export function teamsDir(ledgerPath: string): string {
  return join(dirname(ledgerPath), 'teams');
}

const fileOf = (ledgerPath: string, alias: string) => join(teamsDir(ledgerPath), `${alias}.json`);

export function listTeams(ledgerPath: string): TeamCredentials[] {
  const dir = teamsDir(ledgerPath);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as TeamCredentials);
}

export function findTeam(ledgerPath: string, alias: string): TeamCredentials | null {
  const f = fileOf(ledgerPath, alias);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as TeamCredentials) : null;
}

/** The team a command names, or the only one joined; a clear error otherwise. */
export function requireTeamCredentials(ledgerPath: string, alias?: string): TeamCredentials {
  const all = listTeams(ledgerPath);
  if (alias !== undefined) {
    const t = all.find((x) => x.alias === alias);
    if (!t) throw new InputError(`no team "${alias}" joined here${all.length ? ` (joined: ${all.map((x) => x.alias).join(', ')})` : ''}; join one with \`creditdeck team join LINK\``, 'team');
    return t;
  }
  if (all.length === 1) return all[0]!;
  throw new InputError(all.length === 0 ? 'no team joined here; join one with `creditdeck team join LINK`' : `several teams are joined here (${all.map((x) => x.alias).join(', ')}): name one`, 'team');
}

/** Kept whole or not at all, owner-only (the token is in it). */
export function saveTeam(ledgerPath: string, c: TeamCredentials): void {
  const dir = teamsDir(ledgerPath);
  makePrivateDir(dir);
  const tmp = join(dir, `.${c.alias}.${process.pid}.tmp`);
  if (existsSync(tmp)) rmSync(tmp);
  const fd = createPrivateFile(tmp);
  try {
    writeSync(fd, JSON.stringify(c, null, 2) + '\n');
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, fileOf(ledgerPath, c.alias));
}

export function forgetTeam(ledgerPath: string, alias: string): boolean {
  const f = fileOf(ledgerPath, alias);
  if (!existsSync(f)) return false;
  rmSync(f);
  return true;
}

