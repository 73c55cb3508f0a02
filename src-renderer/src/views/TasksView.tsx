/**
 * The local queue: add a task (choosing its queue), then every task newest
 * first with its queue, filterable by queue; review tasks get Approve and
 * Reject-with-reason.
 */

import type { LocalTask } from '@shared/task';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useAction, useDashboard, useDashboardState } from '../context';
import { EMPTY_TASK_FORM, type NewTaskForm, validateNewTask } from '../logic/task-form';

/** Queues the daemons of this instance take tasks from, in config order. */
function useQueues(): string[] {
  const daemons = useDashboardState((s) => s.snapshot?.daemons);
  return useMemo(() => [...new Set((daemons ?? []).flatMap((d) => (d.queue ? [d.queue] : [])))], [daemons]);
}

export function TasksView() {
  const { api } = useDashboard();
  const [tasks, setTasks] = useState<LocalTask[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [queueFilter, setQueueFilter] = useState('');
  const reload = useCallback(() => {
    api.listTasks({ limit: 500 }).then(
      (rows) => {
        setTasks(rows);
        setLoadError(null);
      },
      (err: Error) => setLoadError(err.message),
    );
  }, [api]);
  // Task statuses move with their sessions: reload when any session row changes.
  const sessions = useDashboardState((s) => s.sessions);
  useEffect(() => {
    void sessions;
    const timer = setTimeout(reload, 150);
    return () => clearTimeout(timer);
  }, [sessions, reload]);
  const configured = useQueues();
  const queues = useMemo(() => [...new Set([...configured, ...(tasks ?? []).map((t) => t.queue)])], [configured, tasks]);
  // listTasks answers newest first.
  const shown = (tasks ?? []).filter((t) => queueFilter === '' || t.queue === queueFilter);

  return (
    <section aria-labelledby="tasks-title">
      <h2 id="tasks-title">Tasks (local queue)</h2>
      <AddTaskForm queues={configured} onAdded={reload} />
      {loadError && <p className="error">{loadError}</p>}
      {tasks && tasks.length === 0 && (
        <p className="empty" data-testid="tasks-empty">
          The queue is empty. Describe some work above — a daemon with a local source picks it up at once.
        </p>
      )}
      {tasks && tasks.length > 0 && (
        <>
          <div className="controls">
            <label htmlFor="task-filter-queue">Show queue</label>
            <select id="task-filter-queue" value={queueFilter} onChange={(e) => setQueueFilter(e.target.value)}>
              <option value="">all queues</option>
              {queues.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
            <span className="muted" data-testid="task-count">
              {shown.length} of {tasks.length} tasks, newest first
            </span>
          </div>
          <ul className="task-list" data-testid="task-list">
            {shown.map((t) => (
              <TaskItem key={t.id} task={t} onChanged={reload} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function AddTaskForm({ queues, onAdded }: { queues: string[]; onAdded: () => void }) {
  const { api } = useDashboard();
  const [form, setForm] = useState<NewTaskForm>(EMPTY_TASK_FORM);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [added, setAdded] = useState<LocalTask | null>(null);
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const valid = validateNewTask({ ...form, queue: form.queue || queues[0] || '' });
    if (!valid.ok) return setErrors(valid.errors);
    setErrors({});
    let task: LocalTask | null = null;
    if (
      await action.run(async () => {
        task = await api.addTask(valid.value);
      })
    ) {
      setForm({ ...EMPTY_TASK_FORM, queue: form.queue });
      setAdded(task);
      onAdded();
    }
  };
  const field = (key: keyof NewTaskForm) => ({
    id: `task-${key}`,
    value: form[key],
    'aria-invalid': errors[key] ? true : undefined,
    'aria-describedby': errors[key] ? `task-${key}-error` : undefined,
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  return (
    <form className="form" onSubmit={submit} aria-label="Add a task" noValidate>
      <label htmlFor="task-prompt">Prompt</label>
      <textarea rows={4} placeholder="What should the agent do?" {...field('prompt')} />
      {errors.prompt && <FieldError id="task-prompt-error" text={errors.prompt} />}
      <label htmlFor="task-title">Title (optional)</label>
      <input type="text" {...field('title')} />
      {errors.title && <FieldError id="task-title-error" text={errors.title} />}
      <label htmlFor="task-cwd">Working directory (optional)</label>
      <input type="text" placeholder="/path/to/repo" {...field('cwd')} />
      {errors.cwd && <FieldError id="task-cwd-error" text={errors.cwd} />}
      {queues.length > 0 && (
        <>
          <label htmlFor="task-queue">Queue</label>
          <select {...field('queue')} value={form.queue || queues[0]}>
            {queues.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
          {errors.queue && <FieldError id="task-queue-error" text={errors.queue} />}
        </>
      )}
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          Add task
        </button>
        {added && (
          <span role="status" className="confirmation" data-testid="task-added">
            Added “{added.title}” to queue {added.queue}.
          </span>
        )}
      </div>
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
    </form>
  );
}

function TaskItem({ task, onChanged }: { task: LocalTask; onChanged: () => void }) {
  const { api } = useDashboard();
  const action = useAction();
  const [reason, setReason] = useState('');
  const run = (call: () => Promise<unknown>) => action.run(call).then((ok) => ok && onChanged());
  return (
    <li className="task" data-testid={`task-row-${task.id}`} data-queue={task.queue}>
      <div className="task-head">
        <strong>{task.title}</strong>
        <span className="muted" data-testid="task-queue">
          queue {task.queue}
        </span>
        <span className={`badge task-${task.status}`} data-testid="task-status">
          {task.status.replace('_', ' ')}
        </span>
      </div>
      {task.cwd && <p className="muted">in {task.cwd}</p>}
      {task.blocked && (
        <p className="warning" data-testid="task-blocked">
          Not taken: {task.blocked}
        </p>
      )}
      <TaskText task={task} />
      {task.result && <pre className="output">{task.result}</pre>}
      <div className="actions">
        {task.status === 'in_review' && (
          <>
            <button type="button" onClick={() => run(() => api.approveTask({ id: task.id }))}>
              Approve
            </button>
            <label htmlFor={`reject-${task.id}`} className="sr-only">
              Reason for rejecting {task.title}
            </label>
            <input
              id={`reject-${task.id}`}
              placeholder="What is wrong?"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <button
              type="button"
              disabled={reason.trim() === ''}
              onClick={() => run(() => api.rejectTask({ id: task.id, reason: reason.trim() }))}
            >
              Reject
            </button>
          </>
        )}
        {(task.status === 'todo' || task.status === 'in_progress' || task.status === 'in_review') && (
          <button type="button" onClick={() => run(() => api.cancelTask({ id: task.id }))}>
            Cancel
          </button>
        )}
      </div>
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
    </li>
  );
}

export function FieldError({ id, text }: { id: string; text: string }) {
  return (
    <p className="field-error" id={id} role="alert">
      {text}
    </p>
  );
}

/** The task's text: the list's preview at first; opening it fetches the whole text when the list cut it. */
function TaskText({ task }: { task: LocalTask }) {
  const { api } = useDashboard();
  const [full, setFull] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onToggle = (open: boolean) => {
    if (!open || !task.promptTruncated || full !== null) return;
    api.getTask({ id: task.id }).then(
      (t) => setFull(t.prompt),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <details className="task-text" onToggle={(e) => onToggle(e.currentTarget.open)}>
      <summary>Task text</summary>
      <pre className="output" data-testid="task-text">
        {full ?? (task.promptTruncated ? `${task.prompt}…` : task.prompt)}
      </pre>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </details>
  );
}
