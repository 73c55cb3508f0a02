/**
 * Desktop notifications for core notices (task done or failed, a daemon rate
 * limited or unauthorized), unless the user turned them off.
 */
import type { AppSettings } from '@shared/settings';
import type { Notice } from '../core/core-events';

export interface NotificationContent {
  title: string;
  body: string;
  /** Failures and auth problems ask for attention (Windows/Linux urgency). */
  urgency: 'normal' | 'critical';
}

export function notificationFor(notice: Notice, settings: Pick<AppSettings, 'notifications'>): NotificationContent | null {
  if (!settings.notifications) return null;
  const urgency =
    notice.kind === 'task_failed' || notice.kind === 'unauthorized' || notice.kind === 'storage_fault' ? 'critical' : 'normal';
  // Bodies come from agent output: keep them to what a notification bubble can show.
  const body = notice.body.length > 240 ? `${notice.body.slice(0, 239)}…` : notice.body;
  return { title: `${notice.title} (${notice.daemon})`, body, urgency };
}
