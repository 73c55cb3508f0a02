/**
 * The tray app's Settings set, replace and clear a source's token in the OS
 * keychain (keychain-secrets.ts) for every daemon whose config names one
 * (`"tokenSecret": "team"`). Three IPC handlers beside the contract's, with
 * the same rules: the sender must be the app's own page in the top frame
 * (checked before the arguments are looked at), arguments are validated by
 * zod, and the reply says only whether a token is stored — the token never
 * goes back to the renderer and is never logged (a refusal names what is
 * wrong with it, never its value). A change reaches the daemon at once
 * (`sourceCredentialsChanged`: a loop stopped as unauthorized tries again,
 * push reconnects with the new token).
 *
 * Not in the contract on purpose: the headless dashboard's WebSocket and the
 * CLI's control socket have no keychain behind them and never carry a token.
 */

import type { SourceTokenStatus, SourceTokensState } from '@shared/bridge-types';
import type { Reply } from '@shared/envelope';
import { formatIssues } from '@shared/zod-issues';
import { z } from 'zod';
import type { NightshiftConfig } from '../core/config';
import { errorMessage } from '../core/errors';
import type { AppPage } from './app-page';
import { ForeignSenderError, type IpcMainLike, isTrustedSender, type SenderInfo } from './ipc';
import { SOURCE_TOKEN_CHANNELS } from './ipc-channels';
import type { KeychainSecrets } from './keychain-secrets';

/** Bearer tokens are one word of printable ASCII (RFC 6750's b64token, and then some); this bounds it. */
const MAX_TOKEN_CHARS = 8192;

const daemonArg = z.string().min(1).max(64);
// The messages never quote the input: whatever is wrong, the token is not repeated.
const tokenArg = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty (use Clear to remove a token)')
  .max(MAX_TOKEN_CHARS, `is longer than ${MAX_TOKEN_CHARS} characters`)
  .refine((s) => /^[\x21-\x7e]+$/.test(s), 'must be one word of printable ASCII (no spaces, line breaks or other characters)');

export const setSourceTokenSchema = z.strictObject({ daemon: daemonArg, token: tokenArg });
export const clearSourceTokenSchema = z.strictObject({ daemon: daemonArg });

/** daemon name → keychain entry name, for the daemons whose source reads its token from the keychain. */
export function sourceTokenTargets(config: NightshiftConfig): Map<string, string> {
  const targets = new Map<string, string>();
  for (const daemon of config.daemons) {
    if (daemon.source.kind === 'http' && daemon.source.tokenSecret !== undefined) {
      targets.set(daemon.name, daemon.source.tokenSecret);
    }
  }
  return targets;
}

export interface SourceTokenWiring {
  ipcMain: IpcMainLike;
  page: AppPage;
  secrets: KeychainSecrets;
  targets: ReadonlyMap<string, string>;
  /** The daemon's token changed: it should use the new one now. */
  onChanged(daemon: string): void;
  log(level: 'info' | 'warn', message: string): void;
}

/** Registers the three handlers; returns the function that removes them. */
export function registerSourceTokenIpc(w: SourceTokenWiring): () => void {
  const state = (): SourceTokensState => ({
    keychainUnavailable: w.secrets.unavailableReason(),
    daemons: [...w.targets].map(
      ([daemon, secretName]): SourceTokenStatus => ({ daemon, secretName, stored: w.secrets.has(secretName) }),
    ),
  });
  const secretOf = (daemon: string): string | Reply<never> => {
    const name = w.targets.get(daemon);
    if (name !== undefined) return name;
    return {
      error: {
        code: 'not_found',
        message: `daemon "${daemon}" does not read its token from the keychain (no "tokenSecret" in its source)`,
      },
    };
  };
  /** Every daemon naming the same keychain entry uses the new token. */
  const changed = (secretName: string) => {
    for (const [daemon, name] of w.targets) if (name === secretName) w.onChanged(daemon);
  };

  const guarded =
    (channel: string, handler: (args: unknown) => Promise<Reply<SourceTokensState>>) =>
    (event: SenderInfo, args?: unknown): Promise<Reply<SourceTokensState>> => {
      if (!isTrustedSender(event, w.page)) {
        const url = event.senderFrame?.url ?? '(no frame)';
        w.log('warn', `refused IPC ${channel} from ${url}`);
        throw new ForeignSenderError(`refused ${channel}: the sender ${url} is not Nightshift's own page`);
      }
      return handler(args);
    };

  const handlers: [string, (args: unknown) => Promise<Reply<SourceTokensState>>][] = [
    [SOURCE_TOKEN_CHANNELS.list, async () => ({ result: state() })],
    [
      SOURCE_TOKEN_CHANNELS.set,
      async (args) => {
        const parsed = setSourceTokenSchema.safeParse(args);
        if (!parsed.success) return badRequest('source token', parsed.error.issues);
        const secretName = secretOf(parsed.data.daemon);
        if (typeof secretName !== 'string') return secretName;
        try {
          await w.secrets.set(secretName, parsed.data.token);
        } catch (err) {
          // keychain-secrets' refusal (no OS keychain) or a write failure: neither message holds the token.
          return { error: { code: 'conflict', message: errorMessage(err) } };
        }
        w.log('info', `source token "${secretName}" stored in the OS keychain (daemon ${parsed.data.daemon})`);
        changed(secretName);
        return { result: state() };
      },
    ],
    [
      SOURCE_TOKEN_CHANNELS.clear,
      async (args) => {
        const parsed = clearSourceTokenSchema.safeParse(args);
        if (!parsed.success) return badRequest('clear source token', parsed.error.issues);
        const secretName = secretOf(parsed.data.daemon);
        if (typeof secretName !== 'string') return secretName;
        await w.secrets.delete(secretName);
        w.log('info', `source token "${secretName}" removed from the OS keychain (daemon ${parsed.data.daemon})`);
        changed(secretName);
        return { result: state() };
      },
    ],
  ];
  for (const [channel, handler] of handlers) w.ipcMain.handle(channel, guarded(channel, handler));
  return () => {
    for (const [channel] of handlers) w.ipcMain.removeHandler(channel);
  };
}

function badRequest(what: string, issues: readonly z.core.$ZodIssue[]): Reply<never> {
  return { error: { code: 'bad_request', message: formatIssues(`${what} arguments`, issues) } };
}
