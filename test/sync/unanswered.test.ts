/**
 * An entry past the offline allowance is taken back only when it never left
 * this machine: a connection refused carries nothing to the host, but a
 * request whose answer was lost may be on the host already (found by the team
 * simulation, test/sim/team.ts), so it stays in the outbox like any other
 * and the host decides. Against real sockets on 127.0.0.1: a closed port, and
 * a TLS server with the pinned certificate that reads the request and hangs up.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer as createTls, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Outbox } from '../../main/core/sync/outbox.js';
import { Mirror } from '../../main/core/sync/mirror.js';
import { pushOutbox } from '../../main/core/sync/push.js';
import type { TeamCredentials } from '../../main/core/sync/credentials.js';
import { RefusedError } from '../../main/core/util/errors.js';
import { fingerprint, generateCertificate } from '../../main/web/tls.js';
import { recordEntry } from '../../main/web/member-link.js';
import { freePort } from '../util/free-port.js';

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise<void>((ok) => s.close(() => ok()));
});

const NOW = Date.parse('2026-11-15T12:00:00Z');
const now = () => NOW;

/** A device whose mirror leases it nothing offline from the credits pool. */
function device(host: string, fp: string) {
  const box = new Outbox(':memory:');
  new Mirror(box.db).apply('team_1', {
    at: new Date(NOW).toISOString(),
    accounts: [{ id: 'lux-pro', name: 'Lux Pro', zone: 'UTC', actions: [{ id: 'email', pool: 'credits', cost: 1, per: 1 }], balance: { pools: [] }, allowance: { credits: 0 } }],
    events: [],
    after: 0,
    more: false,
  });
  const c: TeamCredentials = { alias: 'studio', team: { id: 'team_1', name: 'Studio' }, host, fingerprint: fp, member: 'mo', name: 'Mo', role: 'member', device: 'test', token: 'cdk_test', joinedAt: new Date(NOW).toISOString() };
  return { box, c };
}

describe('an entry past the offline allowance', () => {
  it('pushOutbox says which entries may have reached the host: none when the connection was never made', async () => {
    const box = new Outbox(':memory:');
    const a = box.add('team_1', 'usage.record', { account: 'lux-pro', action: 'email' }, NOW);
    const refused = await pushOutbox(box, 'team_1', async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { sent: false })), now);
    expect(refused).toMatchObject({ offline: 'connect ECONNREFUSED', unanswered: [] });
    const lost = await pushOutbox(box, 'team_1', async () => Promise.reject(new Error('socket hang up')), now);
    expect(lost).toMatchObject({ offline: 'socket hang up', unanswered: [a.id] });
    expect(box.get(a.id)!.status).toBe('pending');
  });

  it('is refused and dropped when the host could not be reached at all', async () => {
    const { box, c } = device(`https://127.0.0.1:${await freePort()}`, `${'AB:'.repeat(31)}AB`);
    await expect(recordEntry(box, c, 'lux-pro', { action: 'email' }, now, 2000)).rejects.toSatisfy((e) => e instanceof RefusedError && e.reason === 'offline_allowance');
    expect(box.counts('team_1').pending).toBe(0);
  });

  it('stays pending when the request reached the host and only the answer was lost', async () => {
    const pems = await generateCertificate(['127.0.0.1']);
    let received = '';
    const server = createTls({ cert: pems.cert, key: pems.key }, (socket) => {
      // The host reads the push (and could have committed it); the connection drops before any answer.
      socket.once('data', (d: Buffer) => {
        received += d.toString('utf8');
        socket.destroy();
      });
    });
    servers.push(server);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { box, c } = device(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, fingerprint(pems.cert));
    const { entry, push } = await recordEntry(box, c, 'lux-pro', { action: 'email' }, now, 2000);
    expect(received).toContain('POST /api/team.push');
    expect(push.offline).not.toBeNull();
    expect(push.unanswered).toEqual([entry.id]);
    expect(entry.status).toBe('pending');
    expect(box.counts('team_1').pending).toBe(1);
  });
});
