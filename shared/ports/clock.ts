/** Time as a dependency, so tests and the workflow engine can run in virtual time. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}
