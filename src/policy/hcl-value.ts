// src/policy — the tree the HCL subset parser produces (and JSON policies are converted to).
// Contract: an object keeps its items in source order with every key of the item (a block
// `path "a" { }` has keys ["path", "a"]), so repeated blocks and positions survive for
// validation messages. Line and column are 1-based; JSON input carries 0 for both.

export type HclValue = string | number | boolean | HclValue[] | HclObject;

export interface HclItem {
  readonly keys: readonly string[];
  readonly value: HclValue;
  readonly line: number;
  readonly column: number;
}

export interface HclObject {
  readonly kind: 'object';
  readonly items: readonly HclItem[];
}

export function isHclObject(value: HclValue): value is HclObject {
  return typeof value === 'object' && !Array.isArray(value);
}
