/**
 * Source tokens in the OS keychain, tray app only: for each daemon whose
 * source reads its token from the keychain (`tokenSecret`), a password field
 * to set or replace it and a button to clear it. The page learns only whether
 * a token is stored — it is never read back, and the field is emptied once
 * main has it. The headless dashboard has no keychain and shows nothing.
 */

import type { SourceTokenStatus, SourceTokensBridge, SourceTokensState } from '@shared/bridge-types';
import { unwrapReply } from '@shared/envelope';
import { type FormEvent, useEffect, useState } from 'react';
import { useDashboard, useDashboardState } from '../context';

export function SourceTokensForm() {
  const { sourceTokens } = useDashboard();
  const headless = useDashboardState((s) => s.headless);
  const [state, setState] = useState<SourceTokensState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    if (!sourceTokens || headless) return;
    sourceTokens.list().then(
      (reply) => setState(unwrapReply<SourceTokensState>(reply)),
      (err: unknown) => setLoadError(err instanceof Error ? err.message : String(err)),
    );
  }, [sourceTokens, headless]);
  if (!sourceTokens || headless) return null;
  if (loadError) {
    return (
      <p className="error" role="alert">
        {loadError}
      </p>
    );
  }
  if (!state || state.daemons.length === 0) return null;
  return (
    <fieldset className="form" data-testid="source-tokens">
      <legend>Source tokens (OS keychain)</legend>
      {state.keychainUnavailable && (
        <p className="error" role="alert" data-testid="keychain-unavailable">
          {state.keychainUnavailable}
        </p>
      )}
      {state.daemons.map((d) => (
        <TokenRow
          key={d.daemon}
          status={d}
          bridge={sourceTokens}
          disabled={state.keychainUnavailable !== null}
          onState={setState}
        />
      ))}
    </fieldset>
  );
}

function TokenRow(props: {
  status: SourceTokenStatus;
  bridge: SourceTokensBridge;
  disabled: boolean;
  onState(state: SourceTokensState): void;
}) {
  const { status, bridge } = props;
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const id = `token-${status.daemon}`;
  const run = async (call: () => ReturnType<SourceTokensBridge['list']>, doneText: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      props.onState(unwrapReply<SourceTokensState>(await call()));
      setToken('');
      setDone(doneText);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token === '') return setError('Enter the token first (Clear removes a stored one).');
    void run(() => bridge.set(status.daemon, token), 'Saved in the OS keychain.');
  };
  return (
    <form className="field" onSubmit={submit} aria-label={`Token of ${status.daemon}`} data-testid={id} noValidate>
      <label htmlFor={id}>
        Token for {status.daemon} <span className="muted">(keychain entry “{status.secretName}”)</span>
      </label>
      <span data-testid="token-stored">{status.stored ? 'A token is stored.' : 'No token stored.'}</span>
      <input
        id={id}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        disabled={props.disabled || busy}
        placeholder={status.stored ? 'new token to replace it' : 'token'}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setToken(e.target.value)}
      />
      <div className="actions">
        <button type="submit" disabled={props.disabled || busy}>
          {status.stored ? 'Replace' : 'Save'} token for {status.daemon}
        </button>
        {status.stored && (
          <button type="button" disabled={busy} onClick={() => void run(() => bridge.clear(status.daemon), 'Token removed.')}>
            Clear token for {status.daemon}
          </button>
        )}
        {done && <span role="status">{done}</span>}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
