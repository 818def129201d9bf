/** The operator's request log: one JSON line per API request (never a secret: no keys, tokens, bodies or parameters). */
import fs from 'node:fs';

/** One request as the log line states it. */
export interface RequestLogEntry {
  time: string;
  requestId: string;
  account?: string;
  principal?: string;
  accessKeyId?: string;
  service: string;
  operation?: string;
  /** 'Allow' / 'Deny' when the policy engine decided; absent when the request failed before it. */
  decision?: 'Allow' | 'Deny';
  status: number;
  errorCode?: string;
  latencyMs: number;
  sourceIp: string;
}

/** A request logger and the function that closes its file. */
export interface RequestLog {
  write(entry: RequestLogEntry): void;
  close(): Promise<void>;
}

/** Opens the request log: `-` is standard output, anything else a file appended to (created with mode 0600). */
export function openRequestLog(target: string): RequestLog {
  if (target === '-') return { write: (e) => void process.stdout.write(JSON.stringify(e) + '\n'), close: async () => {} };
  const stream = fs.createWriteStream(target, { flags: 'a', mode: 0o600 });
  stream.on('error', () => {});
  return {
    write: (e) => void stream.write(JSON.stringify(e) + '\n'),
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
}
