/** Waits until a TOTP step boundary is at least `marginMs` away, so codes computed now stay current while a slow client runs. */
export async function clearOfTotpBoundary(marginMs = 8000): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 50));
}
