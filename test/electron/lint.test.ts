/** The lint rules that keep the shell honest, run on snippets through the project's own eslint.config.js. */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function rulesHit(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint: shell.openExternal only in main/electron/external.ts', () => {
  const spellings = [
    "import { shell } from 'electron';\nexport const go = (u: string) => shell.openExternal(u);\n",
    "import * as electron from 'electron';\nexport const go = (u: string) => electron.shell.openExternal(u);\n",
    "import { shell } from 'electron';\nexport const go = (u: string) => shell['openExternal'](u);\n",
    "import { shell } from 'electron';\nconst { openExternal } = shell;\nexport const go = (u: string) => openExternal(u);\n",
  ];

  it('is an error anywhere else, however it is spelled', async () => {
    for (const file of ['main/electron/main.ts', 'main/electron/app.ts', 'preload/index.ts', 'scripts/x.mjs']) {
      for (const code of spellings) {
        const hits = await rulesHit(code, file);
        expect(hits.some((h) => h.startsWith('no-restricted-syntax: Use safeOpenExternal()')), `${file}: ${code}`).toBe(true);
      }
    }
  });

  it('is allowed in external.ts', async () => {
    const hits = await rulesHit("import type { ShellLike } from './electron-api.js';\nexport const go = (shell: ShellLike, u: string) => shell.openExternal(u);\n", 'main/electron/external.ts');
    expect(hits).toEqual([]);
  });

  it('the shell modules other than main.ts may not import electron', async () => {
    expect(await rulesHit("import { app } from 'electron';\nexport const a = app;\n", 'main/electron/app.ts')).toEqual([expect.stringMatching(/^no-restricted-imports: .*electron-api\.ts/)]);
    expect(await rulesHit("import { app } from 'electron';\nexport const a = app;\n", 'main/web/server.ts')).toEqual([expect.stringMatching(/^no-restricted-imports/)]);
    expect(await rulesHit("import { app } from 'electron';\nexport const a = app;\n", 'main/electron/main.ts')).toEqual([]);
  });
});
