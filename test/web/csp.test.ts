/**
 * One Content-Security-Policy everywhere: the built page's <meta>, the web
 * host's header and the text docs/web.md quotes are the same policy
 * (main/web/security.ts), the <meta> less frame-ancestors only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';
import { CSP, CSP_META } from '../../main/web/security.js';
import { startWebHost } from '../../main/web/server.js';
import { fixtureSite, memoryLedger, raw } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The renderer built as `npm run build:web` builds it, in memory (out/ is left alone). */
async function builtIndexHtml(): Promise<string> {
  const out = (await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'silent', build: { write: false, sourcemap: false } })) as Rollup.RollupOutput;
  const page = out.output.find((o) => o.fileName === 'index.html');
  if (!page || page.type !== 'asset') throw new Error('the build has no index.html');
  return String(page.source);
}

const unescape = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** The two policies docs/web.md quotes, in the order it quotes them (header, then <meta>). */
function documented(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'web.md'), 'utf8');
  return [...doc.matchAll(/```text\n\s*(default-src [^\n]*)\n\s*```/g)].map((m) => m[1]!.trim());
}

describe('the Content-Security-Policy', () => {
  it('forbids form submissions, frames, plugins and base changes, and has no unsafe scripts', () => {
    expect(CSP).toContain("form-action 'none'");
    expect(CSP).toContain("frame-ancestors 'none'");
    expect(CSP).toContain("object-src 'none'");
    expect(CSP).toContain("base-uri 'none'");
    expect(CSP).toMatch(/script-src 'self';/);
    expect(CSP_META).toBe(CSP.replace("; frame-ancestors 'none'", ''));
  });

  it("is the built page's <meta>, the web host's header and docs/web.md's text alike", async () => {
    const html = await builtIndexHtml();
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/g)].map((m) => unescape(m[1]!));
    expect(metas).toEqual([CSP_META]);

    const ctx = memoryLedger();
    const web = await startWebHost({ ctx, staticDir: fixtureSite().staticDir, log: () => {} });
    try {
      expect((await raw(web.url, { path: '/' })).headers['content-security-policy']).toBe(CSP);
    } finally {
      await web.close();
      ctx.db.close();
    }

    expect(documented()).toEqual([CSP, CSP_META]);
  });
});
