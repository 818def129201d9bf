/** An error the CLI reports as one sentence to the operator (what is wrong and what to do), with exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
