/** Adding a member again changes only what is given: a name or a limit left out is kept (issue 15). */
import { describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { fresh } from './helpers.js';

describe('members.add', () => {
  it('keeps the name and the limit it is not given, clears the limit given as null', () => {
    const h = fresh('2026-12-04T12:00:00Z');
    call(h.ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
    expect(call(h.ctx, 'members.add', { account: 'fluxnote-rise', member: 'ana', name: 'Ana Lima', monthlyLimit: 10 })).toEqual({ id: 'ana', name: 'Ana Lima', monthlyLimit: 10, caps: {}, removedAt: null, existed: false });
    expect(call(h.ctx, 'members.add', { account: 'fluxnote-rise', member: 'ana' })).toEqual({ id: 'ana', name: 'Ana Lima', monthlyLimit: 10, caps: {}, removedAt: null, existed: true });
    expect(call(h.ctx, 'members.add', { account: 'fluxnote-rise', member: 'ana', monthlyLimit: null })).toMatchObject({ name: 'Ana Lima', monthlyLimit: null });
    expect(call(h.ctx, 'members.add', { account: 'fluxnote-rise', member: 'ana', name: 'Ana' })).toMatchObject({ name: 'Ana', monthlyLimit: null });
    expect(call(h.ctx, 'members.list', { account: 'fluxnote-rise' })).toEqual([{ id: 'ana', name: 'Ana', monthlyLimit: null, caps: {}, removedAt: null }]);
    // A new member without a name is named by their id.
    expect(call(h.ctx, 'members.add', { account: 'fluxnote-rise', member: 'bo' })).toMatchObject({ name: 'bo', existed: false });
  });
});
