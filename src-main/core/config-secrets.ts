/**
 * The copy of a config that may be written to the data dir (run-config.json,
 * which offline CLI commands read to know the daemons): everything but the
 * secrets. Offline commands run no agent and call no source, so they need
 * neither a token, nor a password, nor an agent's environment.
 */
import type { DaemonConfig, NightshiftConfig } from './config';

export function configWithoutSecrets(config: NightshiftConfig): NightshiftConfig {
  return { ...config, daemons: config.daemons.map(daemonWithoutSecrets) };
}

function daemonWithoutSecrets(daemon: DaemonConfig): DaemonConfig {
  // An agent's declared env often carries API keys: drop the values, the names say enough.
  const runtime = { ...daemon.runtime, env: {} };
  const source = daemon.source;
  if (source.kind === 'http') {
    const { token: _dropped, ...rest } = source;
    return { ...daemon, runtime, source: rest };
  }
  if (source.kind === 'postgres') {
    return { ...daemon, runtime, source: { ...source, connectionString: withoutPassword(source.connectionString) } };
  }
  return { ...daemon, runtime };
}

/** `postgres://u:pw@h/db` → `postgres://u@h/db`; `password=...` dropped from the keyword form. */
export function withoutPassword(connectionString: string): string {
  const trimmed = connectionString.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) {
    try {
      const url = new URL(trimmed);
      url.password = '';
      url.searchParams.delete('password');
      return url.toString();
    } catch {
      return trimmed.replace(/\/\/([^:/@]*):[^@]*@/, '//$1@');
    }
  }
  return trimmed.replace(/\s*\bpassword\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S*)/gi, '').trim();
}
