// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDaemon } from '../../../test/support/fake-core';
import { renderDashboard } from '../../../test/support/render-dashboard';
import { App } from '../App';
import { DaemonCard } from './DaemonCard';
import { Overview } from './Overview';
import { SettingsView } from './SettingsView';
import { TasksView } from './TasksView';

afterEach(cleanup);

describe('DaemonCard', () => {
  const daemon = fakeDaemon('remote', {
    sourceKind: 'http',
    queue: null,
    pushHealthy: false,
    push: null,
    queueDepth: { todo: null, inProgress: 2, inReview: 1 },
    lastFailure: {
      sessionId: 's9',
      taskId: 't9',
      taskTitle: 'Port the parser',
      reason: 'tests fail\n  at step 3',
      at: new Date(2026, 0, 1, 9, 30, 5).getTime(),
    },
    maxConcurrent: 3,
    nextTickAt: 40_000,
    requestsToday: 720,
    savedToday: 7_920,
    slots: [
      { sessionId: 's1', taskId: 't1', taskTitle: 'Fix the login form', state: 'busy', since: 0, resumeAfter: null },
      { sessionId: 's2', taskId: 't2', taskTitle: 'Write docs', state: 'rate_limited', since: 0, resumeAfter: 90_000 },
    ],
  });

  it('shows state, slots naming their task, queue depth, running time, last failure, countdown, requests and savings', async () => {
    await renderDashboard(<DaemonCard daemon={daemon} now={10_000} />);
    const card = screen.getByTestId('daemon-card-remote');
    expect(within(card).getByTestId('daemon-state').textContent).toBe('idle');
    expect(
      within(card)
        .getAllByTestId('slot')
        .map((s) => [s.dataset.kind, s.textContent]),
    ).toEqual([
      ['busy', 'Fix the login form'],
      ['rate_limited', 'Write docs'],
      ['free', 'free'],
    ]);
    expect(within(card).getByTestId('countdown').textContent).toBe('next poll in 30 s');
    expect(within(card).getByTestId('requests-today').textContent).toBe('720');
    expect(within(card).getByTestId('saved').textContent).toBe(
      '7,920 fewer than polling every 10 s (92%), by backing off while idle',
    );
    expect(within(card).getByTestId('queue-depth').textContent).toBe('todo not counted (remote) · 2 in progress · 1 in review');
    expect(within(card).getByTestId('running-task').textContent).toBe('Fix the login form — 10 s');
    expect(within(card).getByTestId('last-failure').textContent).toBe('Port the parser: tests fail (09:30:05)');
    expect(within(card).getByTestId('push-health').textContent).toBe('no push channel: polling');
  });

  it('a local queue: its depth, and no network requests', async () => {
    const local = fakeDaemon('local', { requestsToday: 40, queueDepth: { todo: 3, inProgress: 1, inReview: 0 } });
    await renderDashboard(<DaemonCard daemon={local} now={10_000} />);
    const card = screen.getByTestId('daemon-card-local');
    expect(within(card).getByTestId('queue-depth').textContent).toBe('3 todo · 1 in progress · 0 in review');
    expect(within(card).getByTestId('requests-today').textContent).toBe('no network requests (local queue)');
    expect(within(card).queryByTestId('saved')).toBeNull();
  });

  it('Pause calls pauseDaemon, and the pushed snapshot turns the button into Resume', async () => {
    const { core, store } = await renderDashboard(<Overview />, [fakeDaemon('local')]);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(screen.getByTestId('daemon-state').textContent).toBe('paused'));
    expect(core.calls).toContain('pauseDaemon');
    expect(store.getState().snapshot?.daemons[0]?.paused).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(screen.getByTestId('daemon-state').textContent).toBe('idle'));
    expect(core.calls.filter((c) => c === 'wakeDaemon')).toHaveLength(1);
  });

  it('shows the error of a refused action', async () => {
    const { core } = await renderDashboard(<Overview />, [fakeDaemon('local')]);
    core.handlers.wakeDaemon = () => Promise.reject(new Error('loop is shutting down'));
    fireEvent.click(screen.getByRole('button', { name: 'Wake' }));
    expect((await screen.findByRole('alert')).textContent).toBe('loop is shutting down');
  });
});

describe('Overview', () => {
  it('tells a new user how to add a daemon when there is none', async () => {
    await renderDashboard(<Overview />, []);
    expect(screen.getByTestId('overview-empty').textContent).toMatch(/Add one to the daemons list of your config file/);
  });
});

describe('App', () => {
  it('tabs are real buttons navigable with the arrow keys', async () => {
    await renderDashboard(<App />);
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(['Overview', 'Backoff', 'Pool', 'Sessions', 'Tasks', 'Settings']);
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1, -1, -1, -1]);
    tabs[0]!.focus();
    fireEvent.keyDown(tabs[0]!, { key: 'ArrowLeft' });
    expect(screen.getByRole('tab', { name: 'Settings' }).getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Settings' }));
    expect(await screen.findByRole('form', { name: 'Tuning of local' })).toBeTruthy();
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(screen.getByRole('tabpanel').id).toBe('panel-overview');
  });

  it('Pause all / Wake all reach every daemon', async () => {
    const { store } = await renderDashboard(<App />, [fakeDaemon('a'), fakeDaemon('b')]);
    fireEvent.click(screen.getByRole('button', { name: 'Pause all' }));
    await waitFor(() => expect(store.getState().snapshot?.daemons.every((d) => d.paused)).toBe(true));
    // The snapshot can arrive before the Pause all request settles, while both buttons are still disabled.
    const wake = screen.getByRole('button', { name: 'Wake all' }) as HTMLButtonElement;
    await waitFor(() => expect(wake.disabled).toBe(false));
    fireEvent.click(wake);
    await waitFor(() => expect(store.getState().snapshot?.daemons.some((d) => d.paused)).toBe(false));
  });
});

describe('TasksView', () => {
  it('refuses an empty prompt without sending, then adds a valid task and lists it', async () => {
    const { core } = await renderDashboard(<TasksView />);
    expect((await screen.findByTestId('tasks-empty')).textContent).toMatch(/queue is empty/);
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    expect(screen.getByRole('alert').textContent).toBe('must not be empty');
    expect(core.calls).not.toContain('addTask');

    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'Refactor the parser' } });
    fireEvent.change(screen.getByLabelText('Working directory (optional)'), { target: { value: '/src/app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    const row = await screen.findByTestId('task-row-t_1');
    expect(within(row).getByTestId('task-status').textContent).toBe('todo');
    expect(core.state.tasks[0]).toMatchObject({ prompt: 'Refactor the parser', cwd: '/src/app', title: 'Refactor the parser' });
    expect((screen.getByLabelText('Prompt') as HTMLTextAreaElement).value).toBe('');
  });

  it('offers Approve and Reject-with-reason for a task in review', async () => {
    const { core } = await renderDashboard(<TasksView />);
    await core.handlers.addTask({ prompt: 'review me' });
    core.state.tasks[0]!.status = 'in_review';
    await core.handlers.addTask({ prompt: 'approve me' });
    core.state.tasks[1]!.status = 'in_review';
    // Any session change makes the view reload the queue.
    await act(async () => core.emit('session', { id: 'x', createdAt: 1, updatedAt: 1 } as never));
    const review = await screen.findByTestId('task-row-t_1');
    const reject = within(review).getByRole('button', { name: 'Reject' }) as HTMLButtonElement;
    expect(reject.disabled).toBe(true);
    fireEvent.change(within(review).getByLabelText('Reason for rejecting review me'), { target: { value: 'tests fail' } });
    fireEvent.click(reject);
    await waitFor(() => expect(core.state.tasks[0]!.status).toBe('in_progress'));
    fireEvent.click(within(screen.getByTestId('task-row-t_2')).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(within(screen.getByTestId('task-row-t_2')).getByTestId('task-status').textContent).toBe('done'));
  });
});

describe('SettingsView', () => {
  it('shows a field error and sends nothing for an invalid value; saves a valid one', async () => {
    const { core } = await renderDashboard(<SettingsView />);
    const form = screen.getByRole('form', { name: 'Tuning of local' });
    fireEvent.change(within(form).getByLabelText('Idle backoff cap (ms)'), { target: { value: '500' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save local' }));
    expect(within(form).getByRole('alert').textContent).toBe('must be at least pollIntervalMs');
    expect(within(form).getByLabelText('Idle backoff cap (ms)').getAttribute('aria-invalid')).toBe('true');
    expect(core.calls).not.toContain('setSettings');

    fireEvent.change(within(form).getByLabelText('Idle backoff cap (ms)'), { target: { value: '60000' } });
    fireEvent.change(within(form).getByLabelText('Slots (concurrent agents)'), { target: { value: '4' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save local' }));
    expect(await within(form).findByRole('status')).toBeTruthy();
    expect(core.state.settings.daemons[0]).toMatchObject({ maxIdleBackoffMs: 60_000, maxConcurrent: 4 });
  });

  it('app-wide toggles save at once', async () => {
    const { core } = await renderDashboard(<SettingsView />);
    fireEvent.click(screen.getByLabelText('Pause new work while on battery'));
    await waitFor(() => expect(core.state.settings.app.pauseOnBattery).toBe(true));
    await waitFor(() =>
      expect((screen.getByLabelText('Pause new work while on battery') as HTMLInputElement).checked).toBe(true),
    );
  });
});
