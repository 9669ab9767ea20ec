import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
import { CallAbort } from "../../src/core/call-abort.js";

describe("CallAbort (a call's own abort, pure)", () => {
  it("tells each listener once, in the order added, and forgets them", () => {
    const abort = new CallAbort();
    const told: string[] = [];
    const removed = () => told.push("removed");
    abort.addEventListener("abort", () => told.push("a"));
    abort.addEventListener("abort", removed);
    abort.addEventListener("abort", () => told.push("b"));
    abort.removeEventListener("abort", removed);
    abort.abort();
    abort.abort();
    assert.deepStrictEqual(told, ["a", "b"]);
    assert.equal(abort.aborted, true);
    assert.ok(abort.reason instanceof DOMException);
    assert.equal((abort.reason as DOMException).name, "AbortError");
    abort.addEventListener("abort", () => told.push("late"));
    assert.deepStrictEqual(told, ["a", "b"]);
  });

  it("follows the caller's signal and its reason, until disposed", () => {
    const caller = new AbortController();
    const following = new CallAbort(caller.signal);
    assert.equal(getEventListeners(caller.signal, "abort").length, 1);
    const reason = new Error("stop");
    caller.abort(reason);
    assert.equal(following.aborted, true);
    assert.equal(following.reason, reason);
    assert.equal(getEventListeners(caller.signal, "abort").length, 0);

    const other = new AbortController();
    const disposed = new CallAbort(other.signal);
    disposed.dispose();
    assert.equal(getEventListeners(other.signal, "abort").length, 0);
    other.abort();
    assert.equal(disposed.aborted, false);
  });

  it("starts aborted when the caller's signal already is", () => {
    const caller = new AbortController();
    caller.abort("gone");
    const abort = new CallAbort(caller.signal);
    assert.equal(abort.aborted, true);
    assert.equal(abort.reason, "gone");
    assert.equal(getEventListeners(caller.signal, "abort").length, 0);
  });
});
