/**
 * `creditdeck team …`: the team ledger from the host's own machine, where the
 * command line is the local owner (whoever can open the ledger file owns it).
 * Every call goes through callAs, so it is decided and audited like a remote one.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { HandlerName, HandlerOutput } from '../core/api/handlers.js';
import type { Ctx } from '../core/ledger/context.js';
import { callAs } from '../core/team/call-as.js';
import { loadOrCreateHostKey } from '../core/team/host-key.js';
import { initTeam, localOwner } from '../core/team/team.js';
import { InputError } from '../core/util/errors.js';
import { escapeDeep } from '../core/util/text.js';
import { inviteLink } from '../web/invite-link.js';
import { certificatePaths, fingerprint } from '../web/tls.js';
import { at } from './human.js';

export interface TeamCliDeps {
  open: () => Ctx;
  dbPath: () => string;
  json: () => boolean;
  out: (s: string) => void;
  now: () => number;
}

const list = (v: string, prev: string[]) => [...prev, v];
const csv = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/** Registers `team …` and answers the command, for the member's own subcommands (team-client.ts). */
export function registerTeam(program: Command, d: TeamCliDeps): Command {
  let key: Buffer | null = null;
  /** An instant in words for text output ("Dec 12 00:55 UTC"); --json keeps ISO. */
  const when = (t: string) => at(t, d.now());
  const teamKey = () => (key ??= loadOrCreateHostKey(d.dbPath()));
  const print = <T>(result: T, text: (r: T) => string) => d.out(d.json() ? JSON.stringify(result, null, 2) + '\n' : text(escapeDeep(result)) + '\n');
  const run = <N extends HandlerName>(name: N, input: unknown, text: (r: HandlerOutput<N>) => string) => {
    const ctx = d.open();
    print(callAs(ctx, localOwner(ctx), name, input, { teamKey: teamKey() }), text);
  };

  const team = program.command('team').description('share this ledger with a team: people, roles, invites, tokens, the audit log (docs/team.md)');
  team
    .command('init')
    .description("make this ledger a team ledger, with you as its owner; prints the owner's first device token once")
    .requiredOption('--name <team>', "the team's name")
    .requiredOption('--owner <member>', "the owner's member id (letters, digits, . _ @ -)")
    .option('--owner-name <name>', "the owner's name as the team sees it")
    .option('--device <name>', 'the name of the device the token is for', 'first device')
    .action((o: { name: string; owner: string; ownerName?: string; device: string }) => {
      const r = initTeam(d.open(), teamKey(), { name: o.name, owner: o.owner, ownerName: o.ownerName, device: o.device });
      print({ team: r.team, owner: r.owner, token: r.token.token }, (x) =>
        [`Team "${x.team.name}" is this ledger's team; ${x.owner.id} (${x.owner.name}) is its owner.`, `The owner's device token, shown once (keep it secret; revoke it with \`creditdeck team token revoke ${r.token.id}\`):`, `  ${x.token}`].join('\n'),
      );
    });
  team
    .command('whoami')
    .description('who this command acts as (here: the local owner)')
    .action(() => run('team.whoami', {}, (r) => `${r.member} (${r.name}), ${r.role} of ${r.team.name}, ${r.via === 'local' ? 'on the host itself' : `device ${r.device ?? '?'}`}`));
  team
    .command('settings')
    .description("the team's settings for its members' clients: what each may spend offline until it syncs")
    .option('--allowance <share|credits>', 'a share of each pool\'s remaining credits split between the members who record ("10%", the default), or credits per member per pool ("5")')
    .action((o: { allowance?: string }) => {
      const text = (r: { team: { name: string }; allowance: { description: string } }) => `${r.team.name}: offline, each member may spend ${r.allowance.description} until their next sync`;
      if (o.allowance === undefined) run('team.settings', {}, text);
      else run('team.settings.set', { allowance: o.allowance }, text);
    });
  team
    .command('invite')
    .description('an invite code for someone to join (single use; admins invite members and viewers, owners anyone)')
    .requiredOption('--role <role>', 'owner, admin, member or viewer')
    .option('--member <id>', 'their member id (default: made from --name)')
    .option('--name <name>', 'their name as the team sees it')
    .option('--ttl <duration>', 'how long it can be redeemed: 30m, 12h, 7d …', '7d')
    .option('--host-url <url>', "the team host's https:// address, to print a link (the certificate beside the ledger gives the fingerprint)")
    .option('--fingerprint <sha256>', "with --host-url: the certificate fingerprint to pin, when it is not the one beside the ledger (none behind a proxy: say 'none')")
    .action((o: { role: string; member?: string; name?: string; ttl: string; hostUrl?: string; fingerprint?: string }) => {
      // The link's parts are checked before the invite is made: a refused command writes nothing.
      const base = o.hostUrl === undefined ? null : { url: checkUrl(o.hostUrl), fp: pinned(d.dbPath(), o.fingerprint) };
      const ctx = d.open();
      const r = callAs(ctx, localOwner(ctx), 'team.invite', { role: o.role, member: o.member, name: o.name, ttl: o.ttl }, { teamKey: teamKey() });
      const link = base === null ? null : inviteLink(base.url, r.invite, base.fp);
      print({ invite: r.invite, link, role: r.role, member: r.member, name: r.name, expiresAt: r.expiresAt }, (x) =>
        [
          `Invite for ${x.member} (${x.name}) as ${x.role}, until ${when(x.expiresAt)}; it works once. Share it privately:`,
          `  ${x.link ?? x.invite}`,
          x.link ? '' : 'For a link, run `creditdeck serve --team`: it prints the host URL and fingerprint; then pass --host-url (or create the invite in the app).',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
  team.command('invites').description('invites: open, used, expired, withdrawn (never their codes)').action(() =>
    run('team.invites.list', {}, (l) => l.map((i) => `${i.id}  ${i.member}  ${i.role}  ${i.status}  expires ${when(i.expiresAt)}`).join('\n') || 'No invites.'),
  );
  team
    .command('members')
    .description('the people on the team, their roles and caps')
    .action(() =>
      run('team.members.list', {}, (l) =>
        l.map((m) => `${m.id}  ${m.name}  ${m.role}${Object.keys(m.caps).length ? `  caps ${Object.entries(m.caps).map(([p, c]) => `${p}=${c}`).join(', ')}` : ''}`).join('\n'),
      ),
    );
  const member = team.command('member').description("change or remove one person");
  member
    .command('set')
    .argument('<member>')
    .option('--role <role>', 'owner, admin, member or viewer')
    .option('--name <name>', 'their name')
    .option('--cap <ACCOUNT/POOL=CREDITS>', 'their cap on a pool per period; "none" clears it (repeatable)', list, [])
    .action((m: string, o: { role?: string; name?: string; cap: string[] }) => {
      const caps = o.cap.length ? Object.fromEntries(o.cap.map((c) => capPair(c))) : undefined;
      run('team.members.set', { member: m, role: o.role, name: o.name, caps }, (r) => `${r.id}  ${r.name}  ${r.role}${Object.keys(r.caps).length ? `  caps ${Object.entries(r.caps).map(([p, c]) => `${p}=${c}`).join(', ')}` : ''}`);
    });
  member
    .command('remove')
    .argument('<member>')
    .action((m: string) => run('team.members.remove', { member: m }, (r) => `${r.id} removed; their tokens and sessions stopped, their usage stays theirs`));
  team
    .command('tokens')
    .description('device and scoped tokens (never their secrets)')
    .option('--member <id>', 'only this member')
    .action((o: { member?: string }) =>
      run('team.tokens.list', { member: o.member }, (l) =>
        l
          .map((t) => `${t.id}  ${t.member}  ${t.device}  ${t.scopes ? `scopes ${t.scopes.join(',')}` : 'device'}${t.accounts ? ` accounts ${t.accounts.join(',')}` : ''}${t.pools ? ` pools ${t.pools.join(',')}` : ''}${t.cap !== null ? ` cap ${t.cap}` : ''}  last used ${t.lastUsedAt ? when(t.lastUsedAt) : 'never'}${t.revokedAt ? `  REVOKED ${when(t.revokedAt)}` : ''}${t.expiresAt ? `  expires ${when(t.expiresAt)}` : ''}${t.graceUntil ? `  replaced, works until ${when(t.graceUntil)}` : ''}`)
          .join('\n') || 'No tokens.',
      ),
    );
  const token = team.command('token').description('create, revoke or rotate a token');
  token
    .command('create')
    .description('a scoped token for a script or an agent: read, record and/or reserve; shown once')
    .requiredOption('--scope <scopes>', 'read,record,reserve (comma-separated)')
    .option('--device <name>', 'what it is for', 'script')
    .option('--member <id>', 'whose token it is (default: you)')
    .option('--account <id>', 'only this account (repeatable)', list, [])
    .option('--pool <ACCOUNT/POOL>', 'only this pool (repeatable)', list, [])
    .option('--cap <credits>', 'credits it may spend per period on an account')
    .option('--expires <instant>', 'when it stops working (ISO date/time)')
    .action((o: { scope: string; device: string; member?: string; account: string[]; pool: string[]; cap?: string; expires?: string }) =>
      run(
        'team.tokens.create',
        { device: o.device, scopes: csv(o.scope), member: o.member, accounts: o.account.length ? o.account : undefined, pools: o.pool.length ? o.pool : undefined, cap: o.cap, expires: o.expires },
        (r) => [`${r.id}: ${r.scopes?.join(',')} for ${r.member} (${r.device}). The token, shown once:`, `  ${r.token}`].join('\n'),
      ),
    );
  token
    .command('revoke')
    .argument('<id>')
    .action((id: string) => run('team.tokens.revoke', { id }, (r) => `${r.id} revoked${r.revokedAt ? ` at ${when(r.revokedAt)}` : ''}: its next request is refused`));
  token
    .command('rotate')
    .argument('<id>')
    .option('--grace <duration>', 'how long the old token keeps working', '1h')
    .action((id: string, o: { grace: string }) => run('team.tokens.rotate', { id, grace: o.grace }, (r) => [`${r.id} replaces ${r.replaces}, which works until ${when(r.graceUntil)}. The new token, shown once:`, `  ${r.token}`].join('\n')));
  team
    .command('sessions')
    .description('browser sessions')
    .action(() => run('team.sessions.list', {}, (l) => l.map((s) => `${s.id}  ${s.member}  ${s.active ? 'active' : 'ended'}  since ${when(s.createdAt)}  last seen ${when(s.lastSeenAt)}`).join('\n') || 'No sessions.'));
  team
    .command('session-end')
    .description('end a browser session')
    .argument('<id>')
    .action((id: string) => run('team.sessions.end', { id }, (r) => `${r.id} ended`));
  team
    .command('audit')
    .description('the audit log, oldest first: who changed what, when, from where, and the result')
    .option('--after <seq>', 'rows after this one')
    .option('--limit <n>', 'at most this many (1–1000)', '100')
    .action((o: { after?: string; limit: string }) =>
      run('team.audit', { after: o.after === undefined ? undefined : whole(o.after, '--after'), limit: whole(o.limit, '--limit') }, (l) =>
        l.map((a) => `${a.seq}  ${a.at}  ${a.member ?? '-'}${a.tokenId ? ` (${a.tokenId})` : ''}${a.address ? ` from ${a.address}` : ''}  ${a.call} ${a.summary ?? JSON.stringify(a.args)}  ${a.result}`).join('\n') || 'The audit log is empty.',
      ),
    );
  return team;
}

function capPair(text: string): [string, string | null] {
  const i = text.lastIndexOf('=');
  if (i <= 0) throw new InputError(`--cap takes ACCOUNT/POOL=CREDITS (got "${text.slice(0, 60)}")`, '--cap');
  const v = text.slice(i + 1);
  return [text.slice(0, i), v === 'none' ? null : v];
}

function whole(v: string, field: string): number {
  if (!/^\d{1,9}$/.test(v)) throw new InputError(`${field} must be a whole number`, field);
  return Number(v);
}

function checkUrl(u: string): string {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw new InputError(`--host-url must be an https:// address (got "${u.slice(0, 80)}")`, '--host-url');
  }
  if (url.protocol !== 'https:') throw new InputError('--host-url must be an https:// address: invites travel only over TLS', '--host-url');
  return url.toString();
}

/** The fingerprint an invite link pins: given, or the certificate `serve --team` made beside the ledger. */
function pinned(dbPath: string, given: string | undefined): string | null {
  if (given !== undefined) return given === 'none' ? null : given;
  const { certPath } = certificatePaths(dbPath);
  if (!existsSync(certPath)) throw new InputError(`no certificate beside the ledger (${certPath}) to pin: run \`creditdeck serve --team\` once, or pass --fingerprint`, '--fingerprint');
  return fingerprint(readFileSync(certPath));
}
