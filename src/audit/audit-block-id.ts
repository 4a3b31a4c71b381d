// src/audit — the numbers that name an audit block object (a request's `auth` or `request`
// block, a shared response value) when it crosses to the worker thread (see
// worker-line-maker.ts). One counter for every kind, so a number names one block.
//
// The core stamps each block it builds with its number before freezing it (a non-enumerable
// symbol property: no copy, JSON text or structured clone sees it), so finding the number is
// a property read. Unstamped objects are numbered through a WeakMap instead: it held an entry
// per request block, and those entries cost the garbage collector work on every scavenge.
const BLOCK_ID: unique symbol = Symbol('arca.auditBlockId');

let next = 1;
const unstamped = new WeakMap<object, number>();

/** A fresh block number. */
export function nextAuditBlockId(): number {
  return next++;
}

/** Gives `block` its number; call before freezing it. Returns the block. */
export function stampAuditBlock<T extends object>(block: T): T {
  Object.defineProperty(block, BLOCK_ID, { value: next++, enumerable: false });
  return block;
}

/** `block`'s number: its stamp, else one remembered for it. */
export function auditBlockId(block: object): number {
  const stamped = (block as { [BLOCK_ID]?: number })[BLOCK_ID];
  if (stamped !== undefined) return stamped;
  let id = unstamped.get(block);
  if (id === undefined) {
    id = next++;
    unstamped.set(block, id);
  }
  return id;
}
