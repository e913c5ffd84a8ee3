/**
 * The Electron entry (electron-vite builds it to out/main/index.js). The only
 * main-process file that imports 'electron': everything else takes the
 * module as a dependency, so it runs in tests without the Electron binary.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, nativeTheme, Notification, protocol, safeStorage, session, shell, Tray } from 'electron';
import { fileURLToPath } from 'node:url';
import { startApp } from './app.js';

const built = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

startApp(
  { app, BrowserWindow, dialog, ipcMain, session, protocol, shell, Menu, Tray, Notification, nativeImage, nativeTheme, safeStorage },
  {
    preloadPath: built('../preload/index.cjs'),
    rendererFile: built('../renderer/index.html'),
    // out/main/index.js → the repository's resources/ (the tray icons) and out/native/ (scripts/electron-native.mjs).
    resourcesDir: built('../../resources'),
    nativeDir: built('../native'),
    // startApp ignores it in a packaged app (app-protocol.ts: trustedDevServer).
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    env: process.env,
  },
);
