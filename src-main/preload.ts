/**
 * Sandboxed preload (bundled to CommonJS at out/preload/preload.js): exposes
 * `window.nightshift = { invoke, on }` and nothing else of Node or Electron.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './shell/preload-bridge';

contextBridge.exposeInMainWorld('nightshift', createBridge(ipcRenderer));
