/**
 * "The daemon never crashed" made checkable: while a harness runs, every
 * unhandled rejection and uncaught exception in this process is recorded
 * instead of killing it, and the harness asserts the list stays empty.
 */

export interface CrashWatch {
  /** One line per unhandled rejection / uncaught exception seen so far. */
  readonly crashes: string[];
  dispose(): void;
}

export function watchForCrashes(): CrashWatch {
  const crashes: string[] = [];
  const onRejection = (reason: unknown) => crashes.push(`unhandledRejection: ${crashText(reason)}`);
  const onException = (err: unknown) => crashes.push(`uncaughtException: ${crashText(err)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    crashes,
    dispose() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

function crashText(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}
