/**
 * Connection settings and driver errors, translated once at this boundary:
 * the loop only ever sees a {@link SourceError} with a kind.
 */
import { userInfo } from 'node:os';
import type pg from 'pg';
import { SourceError } from '../../errors';

/** Where libpq's defaults come from; injectable so each rule is tested without changing the process. */
export interface LibpqDefaults {
  env: Record<string, string | undefined>;
  /** The operating system's name for the user running this process. */
  osUser(): string | undefined;
}

const processDefaults: LibpqDefaults = {
  env: process.env,
  osUser: () => {
    try {
      return userInfo().username;
    } catch {
      return undefined; // a uid with no passwd entry (some containers): libpq fails too
    }
  },
};

/**
 * libpq's rule for a connection string that names no user: `PGUSER`, else the
 * operating system user name. node-postgres reads `$USER` instead (unset under
 * cron, systemd and in many containers), so the rule is applied here.
 */
export function clientConfigFrom(connectionString: string, defaults: LibpqDefaults = processDefaults): pg.ClientConfig {
  const config = parseConnectionString(connectionString);
  if (config.user || namesUser(config) || defaults.env.PGUSER) return config;
  const user = defaults.osUser();
  if (!user) return config;
  // node-postgres lets the URL's (empty) user override `config.user`, so a URL gets it as `?user=`.
  if (config.connectionString) return { connectionString: withUserParam(config.connectionString, user) };
  return { ...config, user };
}

function withUserParam(connectionString: string, user: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('user', user);
  return url.toString();
}

/** A URL that carries the user itself (`postgres://me@host/db` or `?user=me`). */
function namesUser(config: pg.ClientConfig): boolean {
  if (!config.connectionString) return false;
  try {
    const url = new URL(config.connectionString);
    return url.username !== '' || url.searchParams.has('user');
  } catch {
    return true; // let node-postgres parse (and complain about) what URL cannot
  }
}

/**
 * node-postgres understands URLs (postgres://user@host/db, ?host=/socket/dir)
 * but not libpq's keyword/value form (`host=/var/run/postgresql dbname=x`),
 * which the config documents; this converts the latter.
 */
function parseConnectionString(connectionString: string): pg.ClientConfig {
  const trimmed = connectionString.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return { connectionString: trimmed };
  const config: pg.ClientConfig = {};
  // key = value | key = 'quoted \' value'
  const pair = /\s*([a-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/giy;
  let end = 0;
  for (let match = pair.exec(trimmed); match !== null; match = pair.exec(trimmed)) {
    end = pair.lastIndex;
    const key = match[1]!.toLowerCase();
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
    switch (key) {
      case 'host':
      case 'hostaddr':
        config.host = value;
        break;
      case 'port':
        config.port = Number(value);
        break;
      case 'dbname':
        config.database = value;
        break;
      case 'user':
        config.user = value;
        break;
      case 'password':
        config.password = value;
        break;
      case 'application_name':
        config.application_name = value;
        break;
      case 'connect_timeout':
        config.connectionTimeoutMillis = Number(value) * 1000;
        break;
      case 'sslmode':
        if (value !== 'disable' && value !== 'allow' && value !== 'prefer')
          config.ssl = { rejectUnauthorized: value !== 'require' };
        break;
      default:
        throw new SourceError('unauthorized', `postgres connectionString: unsupported keyword "${key}"`);
    }
  }
  if (end !== trimmed.length) {
    throw new SourceError('unauthorized', `postgres connectionString: cannot parse "${trimmed.slice(end)}"`);
  }
  return config;
}

/** SQLSTATE classes that mean "this configuration cannot work": stop and show it, don't hammer the server. */
const CONFIG_ERRORS = new Set([
  '28000', // invalid_authorization_specification (unknown role, no pg_hba entry)
  '28P01', // invalid_password
  '42501', // insufficient_privilege
  '3D000', // invalid_catalog_name: the database does not exist
]);

/** Wraps anything node-postgres throws; already-classified errors pass through. */
export function toSourceError(error: unknown, what: string): SourceError {
  if (error instanceof SourceError) return error;
  const err = error as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : undefined;
  const message = `postgres ${what}: ${typeof err.message === 'string' ? err.message : String(error)}${code ? ` [${code}]` : ''}`;
  if (code && CONFIG_ERRORS.has(code)) return new SourceError('unauthorized', message, undefined, { cause: error });
  // 53300 too_many_connections: the server is overloaded, back off as for a 429
  if (code === '53300') return new SourceError('rate_limited', message, undefined, { cause: error });
  return new SourceError('transient', message, undefined, { cause: error });
}
