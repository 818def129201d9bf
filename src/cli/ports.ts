/** Flag values and port binding for `kamen serve`: parsed ports, a clear error for a busy port, the console's fallback. */
import { CliError } from './cli-error.js';

/** Parses a port flag (0–65535) or throws a CliError naming the flag. */
export function parsePort(value: string, flag: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`${flag} must be a port number from 0 to 65535 (0 = any free port), not "${value}"`);
  return n;
}

/** True for the error a listener gets when its address is taken. */
export function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
}

/** How many ports above the default the console tries before it takes any free port. */
const CONSOLE_PORT_TRIES = 10;

/**
 * Binds the console: on `port` when the operator asked for it (a busy port is a CliError naming --console-port and
 * --no-console); otherwise on the default port or, when that is busy, the next free one above it (then any free port).
 */
export async function bindConsole<T>(start: (port: number) => Promise<T>, host: string, port: number, explicit: boolean): Promise<T> {
  if (explicit) {
    try {
      return await start(port);
    } catch (err) {
      if (!isAddressInUse(err)) throw err;
      throw new CliError(`the console port ${port} on ${host} is in use: choose another with --console-port <port> (0 = any free port), or serve without the console with --no-console`);
    }
  }
  for (let i = 0; i <= CONSOLE_PORT_TRIES; i++) {
    try {
      return await start(i === CONSOLE_PORT_TRIES || port === 0 ? 0 : port + i);
    } catch (err) {
      if (!isAddressInUse(err)) throw err;
    }
  }
  throw new CliError(`no free port for the console on ${host}: choose one with --console-port <port>, or use --no-console`);
}

/** Binds the API port; a busy port is a CliError naming --port. */
export async function bindApi<T>(start: (port: number) => Promise<T>, host: string, port: number): Promise<T> {
  try {
    return await start(port);
  } catch (err) {
    if (isAddressInUse(err)) throw new CliError(`the API port ${port} on ${host} is in use (is another kamen running?): choose another with --port <port> (0 = any free port)`);
    if ((err as NodeJS.ErrnoException)?.code === 'EADDRNOTAVAIL' || (err as NodeJS.ErrnoException)?.code === 'ENOTFOUND') throw new CliError(`cannot listen on --host ${host}: it is not an address of this machine`);
    throw err;
  }
}
