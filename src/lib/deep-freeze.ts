// src/lib — freezes a value and everything reachable from it, so a value shared between
// callers (a cached, parsed storage entry) cannot be changed by one of them: in strict mode
// (every ES module) a write to it throws instead of silently reaching the others.
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
