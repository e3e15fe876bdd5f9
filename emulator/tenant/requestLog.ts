// Every request the emulator answers, so tests and the bench can count upstream calls per flow.

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  /** Raw query string without '?', '' when none. */
  readonly query: string;
  readonly status: number;
  /** Token subject: a user's object id (delegated) or the app's client id (app-only); null when anonymous. */
  readonly caller: string | null;
  /** Wall time the request arrived (ISO-8601). */
  readonly time: string;
  readonly durationMs: number;
}

export interface RequestLog {
  entries(): RequestLogEntry[];
  clear(): void;
  add(entry: RequestLogEntry): void;
}

// Bounded so a long local session cannot grow without limit.
export function createRequestLog(limit = 10_000): RequestLog {
  let log: RequestLogEntry[] = [];
  return {
    entries: () => log.slice(),
    clear: () => {
      log = [];
    },
    add(entry) {
      log.push(entry);
      if (log.length > limit) log = log.slice(log.length - limit);
    },
  };
}
