/**
 * Keeps a long-running command alive until SIGINT or SIGTERM, then closes what it runs, once.
 * A failed close is reported and makes the exit code non-zero; it is never swallowed.
 */
export function closeOnSignal(what: string, close: () => Promise<void>, report: (message: string) => void): Promise<void> {
  return new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      report(`${signal}: stopping ${what}…`);
      close().then(done, (err: unknown) => {
        report(`${what} did not stop cleanly: ${(err as Error).message}`);
        process.exitCode = 1;
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
