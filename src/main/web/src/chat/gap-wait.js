// A live message, or the ack of one of mine, past a seq not held yet. In a cluster each node sends the messages stored
// through it as they come, so the missing one is usually on its way from another node (a review: 532 of ~13,000 live
// messages came after a higher seq, each making a catch-up of its own). The catch-up waits a moment for it, and runs
// only if something is still missing then.
export const GAP_WAIT_MS = 500;

/** Calls `catchUp(state)` after `delay` unless the gap has closed by then; one wait per room at a time. */
export function waitForGap(state, catchUp, delay = GAP_WAIT_MS, timers = globalThis) {
  if (state.gapWait) return;
  state.gapWait = timers.setTimeout(() => {
    state.gapWait = null;
    if (state.hasGap()) catchUp(state);
  }, delay);
}
