/**
 * Keeps a long-running command alive until SIGINT or SIGTERM, then closes what it runs, once.
 * Repeated signals while closing are acknowledged but do not cut the close short (so nothing
 * is half-written). A failed close is reported and makes the exit code non-zero.
 */
export function closeOnSignal(what: string, close: () => Promise<void>, report: (message: string) => void): Promise<void> {
  return new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        report(`${signal}: already stopping ${what}`);
        return;
      }
      stopping = true;
      report(`${signal}: stopping ${what}…`);
      close().then(finish, (err: unknown) => {
        report(`${what} did not stop cleanly: ${(err as Error).message}`);
        process.exitCode = 1;
        finish();
      });
    };
    const finish = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
