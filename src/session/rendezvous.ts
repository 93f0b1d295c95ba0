/**
 * Rounds that open each capture window at the same moment: `ab`'s simultaneous
 * pairs (pairing: simultaneous), whose base and head run side by side so the
 * shared machine's speed, which changes from one second to the next, is the
 * same for both.
 */
export class Rendezvous {
  private waiting: Array<{ resolve: () => void; reject: (reason: PartnerFailed) => void }> = [];
  private abandoned: PartnerFailed | undefined;

  constructor(private readonly parties: number) {}

  /** Resolves once every party has arrived; rejects when one has given up. */
  arrive(): Promise<void> {
    if (this.abandoned) return Promise.reject(this.abandoned);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.waiting.length < this.parties) return;
      const all = this.waiting;
      this.waiting = [];
      for (const w of all) w.resolve();
    });
  }

  /** A party failed: those waiting, and those still to come, stop with a PartnerFailed. */
  abandon(cause: unknown): void {
    const reason = (this.abandoned ??= new PartnerFailed(cause));
    const all = this.waiting;
    this.waiting = [];
    for (const w of all) w.reject(reason);
  }
}

/** Why a round stopped waiting: the round it runs with failed (`cause` says how). */
export class PartnerFailed extends Error {
  constructor(override readonly cause: unknown) {
    super("the round it runs with failed");
  }
}
