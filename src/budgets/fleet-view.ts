/** How long a window of this process's sent requests is (its part of the fleet's rate), in ms. */
const SHARE_WINDOW_MS = 10_000;

/**
 * What one process of a fleet knows about the shared budget beyond Redis's answers: the shared
 * state's epoch, how far the fleet's queue reaches, the part of the rate this process used lately,
 * and since when it has been on its fallback budget. The Redis budget tells Redis these when it
 * comes back from an outage or finds its state lost, so neither turns into a burst.
 */
export class FleetView {
  /** The shared state's epoch (a new one when Redis lost it), as of the last reply. */
  epoch = "";
  /** When this process first sent on its fallback budget in the current outage (monotonic ms). */
  #fellBackAt: number | undefined;
  /** When the last request Redis granted this process for later is due (monotonic ms). */
  #queueEnd = 0;
  /** The wait of the last request Redis granted this process for later: the fleet's queue then. */
  #lastWait = { at: 0, ms: 0 };
  /** This process's sent requests in the current and the previous window. */
  readonly #sent = { current: 0, previous: 0, since: performance.now(), previousSince: performance.now() };

  /** Redis answered: the outage (if any) is over; `epoch` as the reply says. */
  answered(epoch: number | undefined): void {
    this.#fellBackAt = undefined;
    if (epoch !== undefined) this.epoch = String(epoch);
  }

  /** Redis granted a request for `waitMs` from now. */
  granted(waitMs: number): void {
    const now = performance.now();
    this.#queueEnd = Math.max(this.#queueEnd, now + waitMs);
    this.#lastWait = { at: now, ms: waitMs };
  }

  /** A granted request goes now (counted when it goes: a long queue is not this process's rate). */
  sent(): void {
    const now = performance.now();
    const sent = this.#sent;
    if (now - sent.since > SHARE_WINDOW_MS) {
      sent.previous = sent.current;
      sent.previousSince = sent.since;
      sent.current = 0;
      sent.since = now;
    }
    sent.current += 1;
  }

  /** Redis did not answer: `true` the first time in an outage (the fallback budget takes over then). */
  fellBack(): boolean {
    if (this.#fellBackAt !== undefined) return false;
    this.#fellBackAt = performance.now();
    return true;
  }

  /** How long this process has sent on its fallback budget, in ms; `undefined` outside an outage. */
  outageMs(): number | undefined {
    return this.#fellBackAt === undefined ? undefined : Math.round(performance.now() - this.#fellBackAt);
  }

  /** Until this process's own last grant is due, in ms. */
  ownQueueMs(): number {
    return Math.round(Math.max(0, this.#queueEnd - performance.now()));
  }

  /**
   * How far the fleet's queue reaches ahead, as far as this process knows: until its own last grant
   * is due, or, while that is recent, as long as the queue was then (a fleet that keeps sending
   * keeps its queue about as long; the other processes' grants reach further than ours).
   */
  queueAheadMs(): number {
    const now = performance.now();
    const recent = now - this.#lastWait.at < this.#lastWait.ms ? this.#lastWait.ms : 0;
    return Math.round(Math.max(0, this.#queueEnd - now, recent));
  }

  /**
   * The part of `ratePerMs` (the learned request rate) this process used lately, at most 1;
   * `undefined` when too little is known.
   */
  recentShare(ratePerMs: number | undefined): number | undefined {
    const sent = this.#sent;
    const elapsed = performance.now() - sent.previousSince;
    if (ratePerMs === undefined || ratePerMs <= 0 || elapsed < 1000) return undefined;
    return Math.min(1, (sent.previous + sent.current) / (elapsed * ratePerMs));
  }
}
