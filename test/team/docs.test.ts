import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ACCESS } from '../../main/core/team/access.js';

test("docs/team.md's roles table is the access table, row for row", () => {
  const doc = readFileSync(new URL('../../docs/team.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \| (yes|no) \|$/gm)].map((m) => [m[1], m[2]!.trim(), m[3]!.trim(), m[4]]);
  const want = Object.entries(ACCESS).map(([name, r]) => [name, r.public ? 'anyone with an invite' : r.role, r.anyScope ? 'any scope' : (r.scope ?? 'never'), r.write ? 'yes' : 'no']);
  expect(rows).toEqual(want);
});
