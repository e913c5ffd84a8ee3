import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { handlers } from '../../main/core/api/handlers.js';
import { DESKTOP_ONLY_CALLS, dispatch, errorEnvelope, LOCAL_FILE_FIELDS, LOCAL_ONLY_CALLS, REMOTE_CALLS, STATUS, TEAM_HOST_CALLS } from '../../main/web/dispatch.js';
import { ForbiddenError, UnauthorizedError } from '../../main/core/team/types.js';
import { InputError, RefusedError } from '../../main/core/util/errors.js';
import { memoryLedger } from './helpers.js';

describe('remote dispatch', () => {
  it('classifies every handler as remote, CLI-only, desktop-only or team-host-only, so a new one needs a decision', () => {
    const classified = [...REMOTE_CALLS, ...LOCAL_ONLY_CALLS, ...DESKTOP_ONLY_CALLS, ...TEAM_HOST_CALLS].sort();
    expect(classified).toEqual(Object.keys(handlers).sort());
    expect(new Set(classified).size).toBe(classified.length);
  });

  it('guards every handler input that names a file', () => {
    // Any schema field called *File would read from disk: each must be listed.
    for (const [name, h] of Object.entries(handlers)) {
      const shape = (h.input as unknown as z.ZodObject).shape as Record<string, unknown>;
      for (const field of Object.keys(shape)) {
        if (/file/i.test(field)) expect(LOCAL_FILE_FIELDS[name as keyof typeof handlers] ?? [], `${name}.${field}`).toContain(field);
      }
    }
  });

  it('maps each error class to its envelope', () => {
    expect(errorEnvelope(new InputError('bad', 'amount'))).toEqual({ ok: false, error: { code: 'invalid_input', message: 'bad', field: 'amount' } });
    expect(errorEnvelope(new InputError('bad'))).toEqual({ ok: false, error: { code: 'invalid_input', message: 'bad', field: null } });
    expect(errorEnvelope(new RefusedError('no', 'rate_limit', { retryAt: 'x' }))).toEqual({ ok: false, error: { code: 'refused', reason: 'rate_limit', message: 'no', details: { retryAt: 'x' } } });
    const zod = z.object({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: 'x' } });
    expect(zod.success).toBe(false);
    expect(errorEnvelope(zod.error)).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'a.b' } });
    const boom = new Error('disk full\n    at secret (/home/me/x.ts:1:1)');
    expect(errorEnvelope(boom)).toEqual({ ok: false, error: { code: 'error', message: 'disk full' } });
    expect(errorEnvelope('weird')).toEqual({ ok: false, error: { code: 'error', message: 'weird' } });
    expect(errorEnvelope(new UnauthorizedError('the token is not valid'))).toEqual({ ok: false, error: { code: 'unauthorized', message: 'the token is not valid' } });
    expect(errorEnvelope(new ForbiddenError('grants.add needs role owner'))).toEqual({ ok: false, error: { code: 'forbidden', message: 'grants.add needs role owner' } });
    expect([STATUS.unauthorized, STATUS.forbidden]).toEqual([401, 403]);
  });

  it('keeps the team calls off the local host and the desktop window (no caller there)', () => {
    const ctx = memoryLedger();
    try {
      for (const name of TEAM_HOST_CALLS) expect(dispatch(ctx, name, {}), name).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'call' } });
    } finally {
      ctx.db.close();
    }
  });

  it('never throws, whatever the name and input', () => {
    const ctx = memoryLedger();
    try {
      for (const name of [undefined, null, 42, {}, 'import', 'accounts.list', 'presets.show']) {
        for (const input of [undefined, null, 'text', 7, [], {}, { id: 'lux' }, { providerFile: '/etc/passwd', plan: 'x' }]) {
          const env = dispatch(ctx, name, input);
          expect(typeof env.ok).toBe('boolean');
        }
      }
      expect(dispatch(ctx, 'presets.show', { id: 'lux' })).toMatchObject({ ok: true, result: { id: 'lux' } });
      expect(dispatch(ctx, 42, {})).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'call' } });
    } finally {
      ctx.db.close();
    }
  });
});
