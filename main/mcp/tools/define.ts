/**
 * One tool: its name (the contract), a description written for a model,
 * zod schemas for its input and its output (advertised as JSON Schema; the
 * output is sent as structuredContent and checked by the SDK against the
 * schema), and the core calls it makes through the transport's ToolEnv.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import type { ToolEnv } from '../env.js';
import { toolError } from '../errors.js';

export interface ToolSpec<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  /** Changes the ledger (and so takes an idempotency key); the others only read. */
  write: boolean;
  handle(env: ToolEnv, args: z.infer<z.ZodObject<I>>): Promise<z.infer<z.ZodObject<O>>>;
}

export interface Tool {
  name: string;
  write: boolean;
  register(server: McpServer, env: ToolEnv): void;
}

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(spec: ToolSpec<I, O>): Tool {
  return {
    name: spec.name,
    write: spec.write,
    register(server, env) {
      const config = {
        title: spec.title,
        description: spec.description,
        inputSchema: z.object(spec.input).strict(),
        outputSchema: z.object(spec.output),
        // Every write is keyed, so a retry repeats nothing; no tool deletes or overwrites anything.
        annotations: { title: spec.title, readOnlyHint: !spec.write, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      };
      server.registerTool(spec.name, config, async (args: unknown) => {
        try {
          const out = await spec.handle(env, args as z.infer<z.ZodObject<I>>);
          return { content: [{ type: 'text' as const, text: JSON.stringify(out) }], structuredContent: out as Record<string, unknown> };
        } catch (e) {
          return toolError(e, spec.name, env.log);
        }
      });
    },
  };
}

/** Every write names its idempotency key: a retried call with the same key and request returns the first result and spends nothing twice. */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/)
  .describe(
    'your idempotency key for this write: 1–128 visible ASCII characters, unique per piece of work (e.g. "batch-42-item-7"). Retrying with the same key and the same arguments returns the first result and changes nothing; the same key with different arguments is an error.',
  );

export const AccountId = z.string().min(1).max(128).describe('the account id, as list_pools shows it (e.g. "flux-pro")');
