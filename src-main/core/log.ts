/**
 * Scoped logging. The core only ever calls a {@link Logger}; each shell decides
 * where lines go (stderr for the CLI, a file in userData for the tray app).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, scope: string, message: string): void;
}

export const silentLogger: Logger = { log() {} };

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Lines like `2026-11-25T08:00:00.000Z info  loop[local] dispatched t_123`. */
export function createStreamLogger(write: (line: string) => void, minLevel: LogLevel = 'info'): Logger {
  return {
    log(level, scope, message) {
      if (LEVELS[level] < LEVELS[minLevel]) return;
      write(`${new Date().toISOString()} ${level.padEnd(5)} ${scope} ${message}\n`);
    },
  };
}
