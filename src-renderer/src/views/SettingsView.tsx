import type { AppSettings, DaemonTuning } from '@shared/settings';
import { type FormEvent, useEffect, useState } from 'react';
import { useAction, useDashboard, useDashboardState } from '../context';
import { type TuningField, type TuningForm, tuningForm, validateTuning } from '../logic/settings-form';
import { SourceTokensForm } from './SourceTokensForm';
import { FieldError } from './TasksView';

/** `trayOnly`: applied by the tray app alone; the headless dashboard hides them. */
const APP_TOGGLES: { key: keyof AppSettings; label: string; trayOnly: boolean }[] = [
  { key: 'startAtLogin', label: 'Start Nightshift at login', trayOnly: true },
  { key: 'pauseOnBattery', label: 'Pause new work while on battery', trayOnly: true },
  { key: 'notifications', label: 'Notify when tasks finish, fail or hit a rate limit', trayOnly: false },
];

const TUNING_FIELDS: { key: TuningField; label: string }[] = [
  { key: 'pollIntervalMs', label: 'Poll interval (ms)' },
  { key: 'maxIdleBackoffMs', label: 'Idle backoff cap (ms)' },
  { key: 'maxConcurrent', label: 'Slots (concurrent agents)' },
];

/** A value saved here wins over the config file until reset: say so beside the field. */
function OverrideNote({ configured }: { configured: string }) {
  return (
    <span className="override" data-testid="override-note">
      overrides nightshift.json ({configured} there)
    </span>
  );
}

export function SettingsView() {
  const settings = useDashboardState((s) => s.settings);
  if (!settings) return <p className="empty">Loading settings…</p>;
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <AppSettingsForm app={settings.app} />
      <SourceTokensForm />
      {settings.daemons.length === 0 && (
        <p className="empty">No daemons configured: per-daemon tuning appears here once you add one.</p>
      )}
      {settings.daemons.map((d) => (
        <TuningFormView key={d.name} tuning={d} />
      ))}
    </section>
  );
}

function AppSettingsForm({ app }: { app: AppSettings }) {
  const { api } = useDashboard();
  const action = useAction();
  const headless = useDashboardState((s) => s.headless);
  return (
    <fieldset className="form" data-testid="app-settings">
      <legend>App</legend>
      {headless && (
        <p className="muted" data-testid="tray-only-note">
          Start at login and pause on battery belong to the tray app; this headless instance does not apply them.
        </p>
      )}
      {APP_TOGGLES.filter((t) => !(headless && t.trayOnly)).map(({ key, label }) => (
        <label key={key} className="check">
          <input
            type="checkbox"
            checked={app[key]}
            disabled={action.busy}
            onChange={(e) => action.run(() => api.setSettings({ app: { [key]: e.target.checked } }))}
          />
          {label}
        </label>
      ))}
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
    </fieldset>
  );
}

function TuningFormView({ tuning }: { tuning: DaemonTuning }) {
  const { api } = useDashboard();
  const [form, setForm] = useState<TuningForm>(() => tuningForm(tuning));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [reset, setReset] = useState(false);
  const action = useAction();
  // A change from elsewhere (the tray, another dashboard) replaces the form's contents.
  useEffect(() => setForm(tuningForm(tuning)), [tuning]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const valid = validateTuning(form);
    if (!valid.ok) return setErrors(valid.errors);
    setErrors({});
    if (await action.run(() => api.setSettings({ daemons: [valid.value] }))) setSaved(true);
  };
  const prefix = `tuning-${tuning.name}`;
  return (
    <form className="form" onSubmit={submit} aria-label={`Tuning of ${tuning.name}`} data-testid={prefix} noValidate>
      <fieldset>
        <legend>Daemon {tuning.name}</legend>
        {TUNING_FIELDS.map(({ key, label }) => (
          <div key={key} className="field">
            <label htmlFor={`${prefix}-${key}`}>{label}</label>
            <input
              id={`${prefix}-${key}`}
              inputMode="numeric"
              value={form[key]}
              aria-invalid={errors[key] ? true : undefined}
              aria-describedby={errors[key] ? `${prefix}-${key}-error` : undefined}
              onChange={(e) => setForm({ ...form, [key]: e.target.value })}
            />
            {errors[key] && <FieldError id={`${prefix}-${key}-error`} text={errors[key]} />}
            {tuning.overridden.includes(key) && <OverrideNote configured={String(tuning.configured[key])} />}
          </div>
        ))}
        <label className="check">
          <input type="checkbox" checked={form.jitter} onChange={(e) => setForm({ ...form, jitter: e.target.checked })} />
          Jitter (spread polls so that many daemons do not poll in lockstep)
        </label>
        {tuning.overridden.includes('jitter') && <OverrideNote configured={tuning.configured.jitter ? 'on' : 'off'} />}
        {errors.form && <FieldError id={`${prefix}-form-error`} text={errors.form} />}
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            Save {tuning.name}
          </button>
          {tuning.overridden.length > 0 && (
            <button
              type="button"
              disabled={action.busy}
              onClick={async () => {
                setSaved(false);
                setReset(await action.run(() => api.resetDaemonTuning({ name: tuning.name })));
              }}
            >
              Reset {tuning.name} to nightshift.json
            </button>
          )}
          {saved && <span role="status">Saved.</span>}
          {reset && tuning.overridden.length === 0 && <span role="status">Back to the values in nightshift.json.</span>}
        </div>
        {action.error && (
          <p className="error" role="alert">
            {action.error}
          </p>
        )}
      </fieldset>
    </form>
  );
}
