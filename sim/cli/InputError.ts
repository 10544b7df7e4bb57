/** Bad input or usage: the CLI prints the message (no stack trace) and exits 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A usage error found by the argument parser: the message is followed by a pointer to `--help`. */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
