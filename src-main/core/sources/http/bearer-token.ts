/**
 * Where an HTTP source's bearer token comes from: an environment variable
 * (`tokenEnv`), the tray app's keychain (`tokenSecret`), or — still accepted,
 * with a warning at start — a literal `token` in the config. Read at each
 * request, so a token never needs to be copied anywhere else; a missing one
 * is "unauthorized" naming what to set, so the daemon stops and says so.
 */
import type { SourceConfig } from '../../config';
import { SourceError } from '../../errors';
import type { SecretStore } from '../../secret-port';

type HttpConfig = Extract<SourceConfig, { kind: 'http' }>;

export interface TokenDeps {
  env: Record<string, string | undefined>;
  secrets: SecretStore;
}

/** undefined: the server needs no token. */
export type TokenReader = () => string | undefined;

export function bearerTokenReader(config: HttpConfig, deps: TokenDeps): TokenReader {
  if (config.tokenEnv !== undefined) {
    const name = config.tokenEnv;
    return () => {
      const value = deps.env[name];
      if (!value) throw new SourceError('unauthorized', `source token: environment variable ${name} is not set`);
      return value;
    };
  }
  if (config.tokenSecret !== undefined) {
    const name = config.tokenSecret;
    return () => {
      const value = deps.secrets.get(name);
      if (!value) {
        throw new SourceError('unauthorized', `source token: no secret "${name}" in the keychain (set it in the tray app)`);
      }
      return value;
    };
  }
  const literal = config.token;
  return () => literal;
}
