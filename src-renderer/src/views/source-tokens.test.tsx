// @vitest-environment happy-dom
/**
 * Settings → source tokens in the tray app's window: a password field per
 * daemon that reads its token from the keychain, showing only whether one is
 * stored; the token goes to main once and is never shown again. A keychain
 * refusal is shown as main words it; the headless dashboard shows nothing.
 */

import type { SourceTokensBridge, SourceTokensState } from '@shared/bridge-types';
import type { Reply } from '@shared/envelope';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderDashboard } from '../../../test/support/render-dashboard';
import { SettingsView } from './SettingsView';

afterEach(cleanup);

const TOKEN = 'tok_renderer_5d1e';

/** Main's side as the page sees it: replies carry whether a token is stored, never the token. */
function keychainBridge(unavailable: string | null = null) {
  const stored = new Map<string, string>();
  const sent: { op: string; daemon?: string; token?: string }[] = [];
  const state = (): Reply<SourceTokensState> => ({
    result: {
      keychainUnavailable: unavailable,
      daemons: [
        { daemon: 'team', secretName: 'team-queue', stored: stored.has('team-queue') },
        { daemon: 'ops', secretName: 'ops', stored: stored.has('ops') },
      ],
    },
  });
  const bridge: SourceTokensBridge = {
    list: async () => {
      sent.push({ op: 'list' });
      return state();
    },
    set: async (daemon, token) => {
      sent.push({ op: 'set', daemon, token });
      if (unavailable) return { error: { code: 'conflict', message: unavailable } };
      stored.set(daemon === 'team' ? 'team-queue' : daemon, token);
      return state();
    },
    clear: async (daemon) => {
      sent.push({ op: 'clear', daemon });
      stored.delete(daemon === 'team' ? 'team-queue' : daemon);
      return state();
    },
  };
  return { bridge, sent, stored };
}

describe('SettingsView: source tokens', () => {
  it('sets, replaces and clears a token without ever showing it', async () => {
    const { bridge, sent, stored } = keychainBridge();
    const { container } = await renderDashboard(<SettingsView />, undefined, { sourceTokens: bridge });
    const row = await screen.findByRole('form', { name: 'Token of team' });
    expect(within(row).getByTestId('token-stored').textContent).toBe('No token stored.');
    const field = within(row).getByLabelText(/Token for team/) as HTMLInputElement;
    expect(field.type).toBe('password');
    expect(field.autocomplete).toBe('off');

    // Nothing typed: nothing sent.
    fireEvent.click(within(row).getByRole('button', { name: 'Save token for team' }));
    expect(within(row).getByRole('alert').textContent).toMatch(/Enter the token first/);
    expect(sent.filter((s) => s.op === 'set')).toEqual([]);

    fireEvent.change(field, { target: { value: TOKEN } });
    fireEvent.click(within(row).getByRole('button', { name: 'Save token for team' }));
    expect((await within(row).findByRole('status')).textContent).toBe('Saved in the OS keychain.');
    expect(sent.filter((s) => s.op === 'set')).toEqual([{ op: 'set', daemon: 'team', token: TOKEN }]);
    expect(stored.get('team-queue')).toBe(TOKEN);
    expect(within(row).getByTestId('token-stored').textContent).toBe('A token is stored.');
    expect(field.value).toBe('');
    expect(container.innerHTML).not.toContain(TOKEN);

    fireEvent.change(field, { target: { value: `${TOKEN}-2` } });
    fireEvent.click(within(row).getByRole('button', { name: 'Replace token for team' }));
    await waitFor(() => expect(stored.get('team-queue')).toBe(`${TOKEN}-2`));
    fireEvent.click(within(row).getByRole('button', { name: 'Clear token for team' }));
    expect((await within(row).findByRole('status')).textContent).toBe('Token removed.');
    expect(stored.has('team-queue')).toBe(false);
    expect(within(row).getByTestId('token-stored').textContent).toBe('No token stored.');
    expect(within(row).queryByRole('button', { name: 'Clear token for team' })).toBeNull();
    expect(container.innerHTML).not.toContain(TOKEN);
  });

  it('without an OS keychain: says why, points to tokenEnv, and the fields are disabled', async () => {
    const why =
      'no OS keychain was found (Linux without a keyring); set the token in an environment variable and name it with "tokenEnv"';
    const { bridge } = keychainBridge(why);
    await renderDashboard(<SettingsView />, undefined, { sourceTokens: bridge });
    expect((await screen.findByTestId('keychain-unavailable')).textContent).toBe(why);
    const row = screen.getByRole('form', { name: 'Token of team' });
    expect((within(row).getByLabelText(/Token for team/) as HTMLInputElement).disabled).toBe(true);
    expect((within(row).getByRole('button', { name: 'Save token for team' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a refusal from main is shown and the typed token stays only in the field', async () => {
    const { bridge } = keychainBridge();
    bridge.set = async () => ({
      error: { code: 'bad_request', message: 'source token arguments is invalid:\n  token: must be one word' },
    });
    await renderDashboard(<SettingsView />, undefined, { sourceTokens: bridge });
    const row = await screen.findByRole('form', { name: 'Token of ops' });
    fireEvent.change(within(row).getByLabelText(/Token for ops/), { target: { value: 'two words' } });
    fireEvent.click(within(row).getByRole('button', { name: 'Save token for ops' }));
    expect((await within(row).findByRole('alert')).textContent).toMatch(/token: must be one word/);
    expect(within(row).getByTestId('token-stored').textContent).toBe('No token stored.');
  });

  it('the headless dashboard (no keychain bridge, or headless) shows no token fields', async () => {
    await renderDashboard(<SettingsView />);
    expect(screen.queryByTestId('source-tokens')).toBeNull();
    cleanup();
    const { bridge, sent } = keychainBridge();
    await renderDashboard(<SettingsView />, undefined, { sourceTokens: bridge, headless: true });
    await screen.findByTestId('app-settings');
    expect(screen.queryByTestId('source-tokens')).toBeNull();
    expect(sent).toEqual([]);
  });
});
