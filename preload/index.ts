/**
 * The preload script (sandboxed): exposes exactly one function to the page,
 * window.creditdeck.call(name, input), which resolves to the API's envelope.
 * Nothing else from Electron or Node reaches the renderer.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL, type CreditdeckBridge } from '../main/electron/channel.js';

const bridge: CreditdeckBridge = {
  call: (name, input) => ipcRenderer.invoke(CHANNEL, name, input),
};

contextBridge.exposeInMainWorld('creditdeck', bridge);
