/**
 * A pass repeated every `intervalMs` of real time until stopped, never overlapping itself: the next
 * pass is scheduled only once the previous one ended (a slow pass delays the next, it never piles
 * up). A pass that throws is reported and the polling goes on. `stop` waits for a pass in progress.
 */
export function startPolling(pass: () => Promise<unknown>, intervalMs: number, onError: (err: unknown) => void): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    current = pass()
      .catch(onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
