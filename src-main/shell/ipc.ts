/**
 * ipcMain handlers, one per contract request, all going through the shared
 * dispatchRequest (zod validation, {result}|{error} envelope). A call from any
 * frame other than the app's own top-level page is refused before its
 * arguments are even looked at. `ipcMain` is injected so tests pass a fake.
 */

import { REQUEST_NAMES } from '@shared/contract';
import type { Reply } from '@shared/envelope';
import type { IpcMainEvent } from 'electron';
import { type ApiHandlers, dispatchRequest } from '../api/dispatch';
import type { AppPage } from './app-page';
import { READY_CHANNEL, requestChannel } from './ipc-channels';

/** What a sender check needs of an IPC event (Electron's IpcMainInvokeEvent and IpcMainEvent both have it). */
export interface SenderInfo {
  senderFrame: { url: string; parent: unknown } | null;
}

/** The READY signal's event: the sender check, and the webContents to deliver events to. */
export interface ReadyEvent extends SenderInfo {
  sender: Pick<IpcMainEvent['sender'], 'send' | 'isDestroyed'>;
}

/**
 * The slice of Electron's ipcMain this module uses, with events narrowed to
 * what it reads — Electron's ipcMain still fits (index.ts passes it, so the
 * compiler checks that) and a test's fake events need no casts.
 */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderInfo, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: ReadyEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: ReadyEvent, ...args: unknown[]) => void): unknown;
}

/** Only the app's own page, in the top frame (never an iframe inside it), may talk to main. */
export function isTrustedSender(event: SenderInfo, page: AppPage): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && page.isAppUrl(frame.url);
}

export class ForeignSenderError extends Error {
  override readonly name = 'ForeignSenderError';
}

export interface IpcRegistration {
  ipcMain: IpcMainLike;
  handlers: ApiHandlers;
  page: AppPage;
  /** The trusted page says it is listening (see event-outbox.ts). */
  onReady(event: ReadyEvent): void;
  onInternalError?(name: string, err: unknown): void;
  onRefused?(channel: string, url: string): void;
}

/** Registers every contract request; returns the function that removes them all. */
export function registerIpcHandlers(reg: IpcRegistration): () => void {
  for (const name of REQUEST_NAMES) {
    const channel = requestChannel(name);
    reg.ipcMain.handle(channel, async (event, args): Promise<Reply> => {
      if (!isTrustedSender(event, reg.page)) {
        const url = event.senderFrame?.url ?? '(no frame)';
        reg.onRefused?.(channel, url);
        // Thrown, not an envelope: a foreign page gets a rejected promise and nothing else.
        throw new ForeignSenderError(`refused ${name}: the sender ${url} is not Nightshift's own page`);
      }
      return dispatchRequest(reg.handlers, name, args, { onInternalError: reg.onInternalError });
    });
  }
  const ready = (event: ReadyEvent) => {
    if (isTrustedSender(event, reg.page)) reg.onReady(event);
    else reg.onRefused?.(READY_CHANNEL, event.senderFrame?.url ?? '(no frame)');
  };
  reg.ipcMain.on(READY_CHANNEL, ready);
  return () => {
    for (const name of REQUEST_NAMES) reg.ipcMain.removeHandler(requestChannel(name));
    reg.ipcMain.removeListener(READY_CHANNEL, ready);
  };
}
