/**
 * The one IPC channel between the window and the main process, and what the
 * preload script exposes on it. No Electron import: the preload, the main
 * process and the renderer's types all share this file.
 */
import type { Envelope } from '../web/dispatch.js';

export const CHANNEL = 'creditdeck:call';

/** `window.creditdeck` in the desktop window: the API's envelope, as over HTTP (without the status). */
export interface CreditdeckBridge {
  call(name: string, input?: unknown): Promise<Envelope>;
}
