/** Runs tasks one at a time, in the order given; a task that fails does not stop the ones after it. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()

  /** Runs `task` once every task given before it has settled; settles as `task` does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task)
    this.tail = next.catch(() => {})
    return next
  }

  /** Resolves once every task given so far has settled (never rejects). */
  idle(): Promise<unknown> {
    return this.tail
  }
}
