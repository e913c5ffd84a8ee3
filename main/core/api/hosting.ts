/**
 * Hosting the team from the desktop app (Settings → Team): while the app
 * runs, its shell serves the app's own ledger as the HTTPS team host. The
 * core validates the settings and asks the shell (Services.hosting), which
 * alone can listen; these calls are desktop-only (main/web/dispatch.ts),
 * never reachable over HTTP. `team.init` makes the ledger a team ledger from
 * the app, as `creditdeck team init` does on the command line.
 */
import * as z from 'zod';
import type { Ctx } from '../ledger/context.js';
import { InputError } from '../util/errors.js';
import { plainText } from '../util/text.js';
import { initTeam, type Team } from '../team/team.js';
import type { Services } from './handlers.js';

/** Who can reach the host: the machines on this network (0.0.0.0), or this computer only (127.0.0.1). */
export const BINDS = ['network', 'this-computer'] as const;
export type Bind = (typeof BINDS)[number];

export interface HostingSettings {
  bind: Bind;
  /** 1024–65535: a desktop app never asks for a privileged port. */
  port: number;
  /** The address members type and invite links carry (one of `addresses`); null: the first of them. */
  address: string | null;
  /** Start hosting whenever the app opens. */
  autoStart: boolean;
}

export const DEFAULT_HOSTING: HostingSettings = { bind: 'network', port: 4317, address: null, autoStart: false };

export interface HostingStatus {
  running: boolean;
  /** What members open (https://ADDRESS:PORT); null while stopped. */
  url: string | null;
  /** The certificate's SHA-256 fingerprint, which invite links carry for members to pin. */
  fingerprint: string | null;
  since: string | null;
  settings: HostingSettings;
  /** The addresses members on this network could use: this machine's host name and its network addresses. */
  addresses: string[];
  /** Why the last start failed, in words; null when it did not. */
  error: string | null;
}

/** The shell's side (main/electron/team-hosting.ts). */
export interface TeamHosting {
  status(): HostingStatus;
  start(settings: HostingSettings): Promise<HostingStatus>;
  stop(): Promise<HostingStatus>;
}

function hostingOf(s: Services | undefined): TeamHosting {
  if (!s?.hosting) throw new InputError('the team is hosted from the Creditdeck desktop app, or with `creditdeck serve --team` on the command line', 'hosting');
  return s.hosting;
}

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

/** A host name or IPv4 address, as it goes in a URL. */
const address = plainText()
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'must be a host name or an IPv4 address, such as studio-mac.local or 192.168.1.20');

export const hostingHandlers = {
  'hosting.status': def(z.object({}), (_ctx, _i, s) => hostingOf(s).status()),
  'hosting.start': def(
    z.object({
      bind: z.enum(BINDS).optional(),
      port: z.number().int().min(1024, 'must be 1024 or more').max(65535).optional(),
      address: address.nullable().optional(),
      autoStart: z.boolean().optional(),
    }),
    async (_ctx, i, s) => {
      const h = hostingOf(s);
      const was = h.status().settings;
      const settings: HostingSettings = { bind: i.bind ?? was.bind, port: i.port ?? was.port, address: i.address === undefined ? was.address : i.address, autoStart: i.autoStart ?? was.autoStart };
      if (settings.bind === 'network' && settings.address !== null && !h.status().addresses.includes(settings.address)) {
        throw new InputError(`${settings.address} is not an address of this computer; choose one of ${h.status().addresses.join(', ') || '(none: no network)'}`, 'address');
      }
      return h.start(settings);
    },
  ),
  'hosting.stop': def(z.object({}), async (_ctx, _i, s) => hostingOf(s).stop()),
  'team.init': def(
    z.object({ name: plainText().max(100), owner: plainText().max(128), ownerName: plainText().max(200).optional(), device: plainText().max(64).optional() }),
    (ctx, i, s): { team: Team; owner: { id: string; name: string; role: 'owner' }; token: { id: string; token: string } } => {
      if (!s?.teamKey) throw new InputError('the team key could not be loaded beside the ledger', 'teamKey');
      return initTeam(ctx, s.teamKey, i);
    },
  ),
};
