// The console API client: JSON over fetch, the CSRF token on every state-changing request, errors as ApiError.

/** An error answer of the console API (AWS's code and message when the API refused). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = '';

/** Remembers the session's CSRF token (from GET /session). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Calls the console API at /console/api<path>. */
export async function api<T = any>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-kamen-console': '1' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/console/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  return answer<T>(res);
}

/** Sends a file as the raw body of a PUT (S3 uploads), with the CSRF token. */
export async function upload<T = any>(path: string, file: Blob): Promise<T> {
  const headers: Record<string, string> = { 'x-kamen-console': '1', 'content-type': file.type || 'application/octet-stream' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  return answer<T>(await fetch(`/console/api${path}`, { method: 'PUT', headers, body: file, credentials: 'same-origin' }));
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let json: any = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { code: 'InternalFailure', message: text };
  }
  if (!res.ok) {
    if (res.status === 401 && json.code === 'SignedOut') window.dispatchEvent(new CustomEvent('kamen:signed-out'));
    throw new ApiError(res.status, json.code ?? 'Error', json.message ?? res.statusText);
  }
  return json as T;
}

/** Offers `text` as a file download. */
export function download(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
