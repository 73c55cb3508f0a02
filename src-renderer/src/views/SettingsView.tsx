import { type FormEvent, useEffect, useState } from 'react';
import type { AppSettings, DaemonTuning } from '../../../src-main/api/contract';
import { useAction, useDashboard, useDashboardState } from '../context';
import { type TuningField, type TuningForm, tuningForm, validateTuning } from '../logic/settings-form';
import { FieldError } from './TasksView';

const APP_TOGGLES: { key: keyof AppSettings; label: string }[] = [
  { key: 'startAtLogin', label: 'Start Nightshift at login' },
  { key: 'pauseOnBattery', label: 'Pause new work while on battery' },
  { key: 'notifications', label: 'Notify when tasks finish, fail or hit a rate limit' },
];

const TUNING_FIELDS: { key: TuningField; label: string }[] = [
  { key: 'pollIntervalMs', label: 'Poll interval (ms)' },
  { key: 'maxIdleBackoffMs', label: 'Idle backoff cap (ms)' },
  { key: 'maxConcurrent', label: 'Slots (concurrent agents)' },
];

export function SettingsView() {
  const settings = useDashboardState((s) => s.settings);
  if (!settings) return <p className="empty">Loading settings…</p>;
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <AppSettingsForm app={settings.app} />
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
  return (
    <fieldset className="form" data-testid="app-settings">
      <legend>App</legend>
      {APP_TOGGLES.map(({ key, label }) => (
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
          </div>
        ))}
        <label className="check">
          <input type="checkbox" checked={form.jitter} onChange={(e) => setForm({ ...form, jitter: e.target.checked })} />
          Jitter (spread polls so that many daemons do not poll in lockstep)
        </label>
        {errors.form && <FieldError id={`${prefix}-form-error`} text={errors.form} />}
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            Save {tuning.name}
          </button>
          {saved && <span role="status">Saved.</span>}
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
