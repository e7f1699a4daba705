/**
 * Undo steps collected while something is set up, run last-first however far the set-up got: a rehearsal that
 * fails half-way still kills its processes and deletes its namespaces and directories.
 */
export class Teardown {
  readonly #steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  /** Runs every step even when some fail, then reports the failures together. */
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw new AggregateError(errors, `teardown: ${errors.length} step(s) failed`);
  }
}
