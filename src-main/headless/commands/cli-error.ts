/** An error the CLI reports as one clear line (no stack) and turns into an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** 2: bad usage or configuration (nothing started); 1: anything else. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export const EXIT_USAGE = 2;
