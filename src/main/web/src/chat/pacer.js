// Paces the events the server counts against my per-user event limit (every event but `message:send`; 50 a second
// and bursts of 200 by default, for all my tabs together). A reconnect rejoins every room at once: 100 rooms in each
// of 3 tabs is 300 joins, past the burst, and the server refuses the rest `rate_limited`. So each tab takes from a
// smaller bucket of its own (three of them fit in the server's) and waits for a token instead of being refused.
// Pure logic: the clock and the timers are replaceable in tests.

export const PACE_BURST = 40;
export const PACE_PER_SECOND = 12;

export class Pacer {
  constructor({ burst = PACE_BURST, perSecond = PACE_PER_SECOND, now = () => Date.now(),
    timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id) } } = {}) {
    this.burst = burst;
    this.perMs = perSecond / 1000;
    this.now = now;
    this.timers = timers;
    this.tokens = burst;
    this.at = now();
    /** resolve functions, in the order they go */
    this.waiting = [];
    this.timer = null;
  }

  /** Resolves when one event may go; an `urgent` one (the room in view) goes before those already waiting. */
  take({ urgent = false } = {}) {
    return new Promise((resolve) => {
      if (urgent) this.waiting.unshift(resolve);
      else this.waiting.push(resolve);
      this.pump();
    });
  }

  /** The server said `rate_limited`: the budget is spent (other tabs took it), whatever this bucket thinks. */
  spent() {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  // --- internals ------------------------------------------------------------------------------------------

  refill() {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
  }

  pump() {
    this.refill();
    while (this.waiting.length && this.tokens >= 1) {
      this.tokens -= 1;
      this.waiting.shift()();
    }
    if (!this.waiting.length || this.timer !== null) return;
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.pump();
    }, Math.ceil((1 - this.tokens) / this.perMs));
  }
}
