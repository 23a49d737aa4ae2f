/** Arrivals at a fixed rate, whatever the answers: an open loop, as independent users send. */
export interface FixedRateRun {
  /** Stops arrivals and resolves once every call in flight is answered. */
  pause(): Promise<void>;
  /** Starts arrivals again, on a schedule anchored now. */
  resume(): void;
  /** Stops arrivals for good and waits for the calls in flight. */
  stop(): Promise<void>;
  /** Arrivals not sent because `maxInFlight` were already waiting: the service was not keeping up. */
  readonly skipped: number;
}

/**
 * Starts `task` every 1/`perSecond` seconds on a fixed schedule (no drift: each arrival is due at
 * start + n/rate), without waiting for earlier ones. A closed loop would slow down with the
 * service and hide a growing latency; this one keeps the pressure constant. At most
 * `maxInFlight` wait at once, so a hung service cannot make the client itself run out of memory.
 */
export function runAtFixedRate(options: { perSecond: number; maxInFlight: number; task: (index: number) => Promise<void> }): FixedRateRun {
  const intervalMs = 1000 / options.perSecond;
  const inFlight = new Set<Promise<void>>();
  let index = 0;
  let skipped = 0;
  let timer: NodeJS.Timeout | undefined;
  let anchor = 0;
  let sinceAnchor = 0;
  const arrive = () => {
    if (inFlight.size >= options.maxInFlight) {
      skipped++;
    } else {
      const running = options.task(index).finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
    index++;
    sinceAnchor++;
    timer = setTimeout(arrive, Math.max(0, anchor + sinceAnchor * intervalMs - performance.now()));
  };
  const start = () => {
    anchor = performance.now();
    sinceAnchor = 0;
    arrive();
  };
  const halt = async () => {
    clearTimeout(timer);
    timer = undefined;
    await Promise.allSettled([...inFlight]);
  };
  start();
  return {
    pause: halt,
    resume: () => {
      if (timer === undefined) start();
    },
    stop: halt,
    get skipped() {
      return skipped;
    },
  };
}
