// The one place the app reads the wall clock. Domain code takes `now` as a value; the
// edges (route handlers, server components, scripts, the seed) get it from here.
//
// APP_NOW=2027-01-01T00:05:00Z pins it (outside production, see appNowFromEnv). A pinned
// clock starts at that instant and runs a thousand times slower than real time (an hour's
// test run moves it 3.6 s), one millisecond at least per reading: runs are reproducible
// whatever the real date, a suite pinned at 23:55 stays before midnight, and rows written
// one after the other still sort in the order they were written. APP_NOW_SINCE (epoch ms,
// inherited by child processes) is the real instant the pin was set: processes of one run
// (the seed, the app, the tests) then share one timeline. Unset: each process's start.
import { appNowFromEnv } from "@/env";

/** Pinned milliseconds per real millisecond. */
const PINNED_RATE = 1 / 1000;

type TClockState = { pinned: false } | { pinned: true; at: number; since: number; last: number };

let state: TClockState | undefined;

function clockState(): TClockState {
  if (!state) {
    const pinned = appNowFromEnv();
    state = pinned ? { pinned: true, at: pinned.at.getTime(), since: pinned.since ?? Date.now(), last: pinned.at.getTime() - 1 } : { pinned: false };
  }
  return state;
}

/** The present, as the app sees it. */
export function clockNow(): Date {
  const clock = clockState();
  if (!clock.pinned) return new Date();
  const base = clock.at + Math.floor(Math.max(0, Date.now() - clock.since) * PINNED_RATE);
  clock.last = Math.max(clock.last + 1, base);
  return new Date(clock.last);
}

/** Whether APP_NOW pins the clock (the dashboard says so, so nobody mistakes a demo date for today). */
export function isClockPinned(): boolean {
  return clockState().pinned;
}
