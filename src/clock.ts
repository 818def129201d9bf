/** The source of time for every time-dependent check; tests pass a frozen one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The system clock. */
export function systemClock(): Clock {
  return { now: () => Date.now() };
}

/** A clock that stands still until moved; for tests. */
export function frozenClock(startMs: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let t = startMs;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}
