/** The five shipped presets and validation of custom providers. */
import * as z from 'zod';
import { InputError } from '../util/errors.js';
import { providerSchema, type Provider } from './schema.js';
import flux from './flux.json' with { type: 'json' };
import lux from './lux.json' with { type: 'json' };
import flowly from './flowly.json' with { type: 'json' };
import fluxnote from './fluxnote.json' with { type: 'json' };
import fluximage from './fluximage.json' with { type: 'json' };

/** Parse a provider document; an invalid one is refused with the field named. */
export function parseProvider(doc: unknown, source = 'provider'): Provider {
  const r = providerSchema.safeParse(doc);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const path = first.path.length ? first.path.join('.') : '(root)';
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? 's' : ''})` : '';
    throw new InputError(`${source} is invalid at ${path}: ${first.message}${more}`, path);
  }
  return r.data;
}

/**
 * The shipped presets by id, each checked against the schema the first time it
 * is read rather than when this module loads: a CLI command that names one
 * account's provider does not pay for parsing all five.
 */
export const presets: Record<string, Provider> = {};
for (const doc of [flux, lux, flowly, fluxnote, fluximage]) {
  const id = (doc as { id: string }).id;
  let parsed: Provider | undefined;
  Object.defineProperty(presets, id, { enumerable: true, get: () => (parsed ??= parseProvider(doc, `preset ${id}`)) });
}

export function getPreset(id: string): Provider {
  const p = presets[id];
  if (!p) throw new InputError(`unknown preset "${id}"; the presets are ${Object.keys(presets).join(', ')} (or use --provider-file for a custom provider)`, 'preset');
  return p;
}

export { providerSchema, z };
export type { Provider };
