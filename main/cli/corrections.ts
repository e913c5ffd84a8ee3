/**
 * The everyday corrections (docs/app.md, "Corrections"): an account's opening
 * entry, renaming, archiving and restoring it; a member's new name, caps per
 * pool and removal. Registered on the `account` and `member` commands; every
 * one is an API call (main/core/api/handlers.ts), printed as text or --json.
 */
import type { Command } from 'commander';
import type { HandlerName, HandlerOutput } from '../core/api/handlers.js';
import { creditsOf } from './format.js';
import { at } from './human.js';

type Emit = <N extends HandlerName>(name: N, input: unknown, text: (r: HandlerOutput<N>) => string) => void;
type MemberView = HandlerOutput<'members.list'>[number];

/** "ana (Ana Lima): monthly limit 50 · caps video 5, image 200" */
export function memberText(m: MemberView, now: number): string {
  const caps = Object.entries(m.caps).map(([pool, c]) => `${pool} ${c}`);
  const limits = [...(m.monthlyLimit === null ? [] : [`monthly limit ${m.monthlyLimit}`]), ...(caps.length ? [`caps ${caps.join(', ')}`] : [])];
  return `${m.id} (${m.name})${limits.length ? `: ${limits.join(' · ')}` : ''}${m.removedAt ? ` — removed ${at(m.removedAt, now)}` : ''}`;
}

const per = (a: number | 'unlimited', pool: string) => (a === 'unlimited' ? `unlimited ${pool}` : creditsOf(a, pool));

/** A plan change's preview: what it grants now and what applies at the reset. */
export function planPreviewText(p: HandlerOutput<'accounts.planPreview'>, now: number): string {
  return [
    `${p.account}: ${p.fromName} → ${p.toName} at ${at(p.effectiveAt, now)} (preview: nothing changed)`,
    ...(p.nameAfter !== p.name ? [`  the account's name follows: ${p.name} → ${p.nameAfter}`] : []),
    ...p.pools.map((x) => {
      const change = x.grantedNow > 0 ? `granted ${creditsOf(x.grantedNow, x.pool)} now` : x.forfeitedNow > 0 ? `${creditsOf(x.forfeitedNow, x.pool)} of the old allowance expire now` : 'nothing changes now';
      const left = x.availableAfter === null ? 'unlimited' : `${creditsOf(x.availableAfter, x.pool)} available after`;
      return `  ${x.pool}: ${change}, ${left}; from the reset ${at(p.nextReset, now)}: ${per(x.allocationAtReset, x.pool)} a period (now ${per(x.allocationNow, x.pool)})`;
    }),
  ].join('\n');
}

/** POOL=N pairs, e.g. video=3 image=120. */
function used(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    out[i <= 0 ? item : item.slice(0, i)] = i <= 0 ? '' : item.slice(i + 1);
  }
  return out;
}

export function registerCorrections(account: Command, member: Command, emit: Emit, now: () => number): void {
  account
    .command('opening')
    .argument('<account>')
    .argument('<pool=n...>', 'what the service shows used this period, per pool, e.g. video=3 image=120')
    .option('--at <time>', 'when (default: now; never before the account was added, within its first period)')
    .description("record what was already used this period when the account was added mid-period (an 'opening' entry, once per pool)")
    .action((acc: string, pairs: string[], o: { at?: string }) =>
      emit('accounts.opening', { account: acc, used: used(pairs), at: o.at }, (r) => r.entries.map((e) => `${e.eventId}: opening ${creditsOf(e.credits, e.pool)} used at ${r.at}`).join('\n')),
    );
  account
    .command('rename')
    .argument('<account>')
    .argument('<name>')
    .description('give the account a new display name (its id stays)')
    .action((acc: string, name: string) => emit('accounts.set', { account: acc, name }, (a) => `${a.id} is now named ${a.name}`));
  account
    .command('archive')
    .argument('<account>')
    .description('hide the account and refuse new entries; its ledger is kept whole (unarchive restores it)')
    .action((acc: string) => emit('accounts.archive', { account: acc, archived: true }, (a) => `${a.name} (${a.id}) archived: hidden, and read-only until unarchived`));
  account
    .command('unarchive')
    .argument('<account>')
    .description('restore an archived account')
    .action((acc: string) => emit('accounts.archive', { account: acc, archived: false }, (a) => `${a.name} (${a.id}) restored`));

  member
    .command('rename')
    .argument('<account>')
    .argument('<member>')
    .argument('<name>')
    .description("a member's new name (their id, and the history recorded under it, stay)")
    .action((acc: string, m: string, name: string) => emit('members.rename', { account: acc, member: m, name }, (r) => memberText(r, now())));
  member
    .command('cap')
    .argument('<account>')
    .argument('<member>')
    .argument('<pool>')
    .argument('<credits>', 'credits per billing period on this pool, or "none"')
    .description("a member's cap on one pool per billing period (beside their monthly limit for all pools)")
    .action((acc: string, m: string, pool: string, credits: string) =>
      emit('members.cap', { account: acc, member: m, pool, cap: credits === 'none' || credits === 'off' ? null : credits }, (r) => memberText(r, now())),
    );
  member
    .command('remove')
    .argument('<account>')
    .argument('<member>')
    .description('remove a member: their usage is refused from now on, their history keeps their name (member add restores them)')
    .action((acc: string, m: string) => emit('members.remove', { account: acc, member: m }, (r) => memberText(r, now())));
}
