/**
 * A local fake of Fluximage's usage endpoint (127.0.0.1, a free port): each
 * request takes the next scripted answer — a document, a status with
 * headers, malformed text, or silence (for timeouts) — and is remembered
 * with its method, path and Authorization header.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = { status?: number; body?: unknown; text?: string; headers?: Record<string, string>; hang?: true };

export interface FakeFluximage {
  url: string;
  requests: { method: string; path: string; authorization: string | undefined }[];
  /** Answers for the next requests, in order; when they run out, the last is repeated. */
  script(...answers: Answer[]): void;
  close(): Promise<void>;
}

export function usageDoc(o: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    plan: 'agency',
    compressor_used: 0,
    compressor_limit: null,
    ia_credits_used: 0,
    ia_credits_monthly: 10000,
    ia_topup_credits: 0,
    ia_credits_remaining: 10000,
    canCompress: true,
    canUseIA: true,
    ...o,
  };
}

export async function startFakeFluximage(): Promise<FakeFluximage> {
  let answers: Answer[] = [{ body: usageDoc() }];
  const requests: FakeFluximage['requests'] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    const a = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (a.hang) {
      hanging.add(res);
      return;
    }
    const text = a.text ?? JSON.stringify(a.body ?? usageDoc());
    res.writeHead(a.status ?? 200, { 'Content-Type': 'application/json', ...a.headers });
    res.end(text);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...list) => void (answers = list),
    close: () =>
      new Promise<void>((ok) => {
        for (const r of hanging) r.destroy();
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
