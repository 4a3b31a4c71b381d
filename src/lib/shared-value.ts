// src/lib — values marked as deep-frozen and shared between requests: a view built once from
// a cached storage entry and answered to every reader of it (KV reads). Whatever is costly to
// derive from such a value (the HMAC'd audit text of a response's data) may be remembered by
// the value's identity, and only then: an object that is merely frozen may still hold mutable
// children, so freezing is not enough to be marked.
import { deepFreeze } from './deep-freeze.js';

const marked = new WeakSet<object>();

/** Deep-freezes `value` and marks it shared; returns it. */
export function markShared<T extends object>(value: T): T {
  deepFreeze(value);
  marked.add(value);
  return value;
}

export function isShared(value: unknown): value is object {
  return typeof value === 'object' && value !== null && marked.has(value);
}
