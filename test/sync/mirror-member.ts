/**
 * A team ledger and one member's device with its mirror, for the mirror tests:
 * `answer` is team.pull as the member's client asks it, through JSON as over
 * HTTPS; `pull` applies it. Temporary directories are removed after the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { callAs } from '../../main/core/team/call-as.js';
import { Mirror, type PullAnswer } from '../../main/core/sync/mirror.js';
import { Outbox } from '../../main/core/sync/outbox.js';
import { KEY, teamLedger } from '../team/helpers.js';

export const services = { teamKey: KEY };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function mirrorMember() {
  const t = teamLedger();
  const mo = t.person('mo', 'member', 'Mo');
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-mirror-'));
  dirs.push(dir);
  const box = new Outbox(join(dir, 'outbox.sqlite'));
  const mirror = new Mirror(box.db);
  const ref = { alias: 'studio', team: { id: 'team-1' }, member: 'mo' };
  const answer = (input: { after?: number; voidsAfter?: number } = { after: mirror.after('team-1'), voidsAfter: mirror.voidsAfter('team-1') }) =>
    JSON.parse(JSON.stringify(callAs(t.ctx, mo.caller, 'team.pull', input, services))) as PullAnswer;
  const pull = (input?: { after?: number; voidsAfter?: number }) => mirror.apply('team-1', answer(input));
  return { t, mo, box, mirror, ref, answer, pull };
}
