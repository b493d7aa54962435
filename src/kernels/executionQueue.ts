// Runs cell executions one at a time in the order they were asked for; queued ones can be cancelled before they start.

interface QueuedJob {
  start(): void;
  cancel(): void;
}

export class ExecutionQueue {
  private readonly waiting: QueuedJob[] = [];
  private busy = false;

  /** Nothing running and nothing waiting. */
  get idle(): boolean {
    return !this.busy && this.waiting.length === 0;
  }

  /** Number of jobs not yet started. */
  get pendingCount(): number {
    return this.waiting.length;
  }

  /** `task` runs after every earlier job has settled; `cancelled` is the result if it is cancelled first. */
  enqueue<T>(task: () => Promise<T>, cancelled: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        start: () => {
          task().then(resolve, reject).finally(() => {
            this.busy = false;
            this.next();
          });
        },
        cancel: () => resolve(cancelled()),
      });
      this.next();
    });
  }

  /** Cancels every job that has not started (interrupt, restart, shutdown); the running one is left alone. */
  cancelPending(): void {
    for (const job of this.waiting.splice(0)) job.cancel();
  }

  private next(): void {
    if (this.busy) return;
    const job = this.waiting.shift();
    if (!job) return;
    this.busy = true;
    job.start();
  }
}
