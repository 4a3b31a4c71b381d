import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GroupGraph } from './group-graph.js';
import type { GroupRecord } from './identity-records.js';

function group(id: string, members: string[], entities: string[] = []): GroupRecord {
  return {
    id, name: id, type: 'internal', policies: [], memberEntityIds: entities, memberGroupIds: members, metadata: {},
    created: 0, updated: 0, modifyIndex: 1,
  };
}

/** Reachability by brute force: can `from` reach `to` following member_group_ids? */
function reaches(groups: Map<string, string[]>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(groups.get(id) ?? []));
  }
  return false;
}

test('wouldCycle agrees with brute-force reachability on random acyclic graphs', () => {
  const ids = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
  // Edges only from a lower to a higher index keep the base graph acyclic.
  const arbEdges = fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { maxLength: 12 }).map((pairs) => pairs.filter(([a, b]) => a < b));
  fc.assert(
    fc.property(arbEdges, fc.nat(5), fc.subarray(ids), (edges, target, members) => {
      const children = new Map<string, string[]>(ids.map((id) => [id, []]));
      for (const [a, b] of edges) children.get(`g${a}`)?.push(`g${b}`);
      const graph = new GroupGraph(ids.map((id) => group(id, children.get(id) ?? [])));
      const gid = `g${target}`;
      const expected = members.some((m) => reaches(children, m, gid));
      assert.equal(graph.wouldCycle(gid, members) !== undefined, expected);
    }),
  );
});

test('groupsOf: direct and inherited groups, terminating even on a stored cycle', () => {
  const graph = new GroupGraph([group('a', [], ['e']), group('b', ['a']), group('c', ['b']), group('x', ['c']), group('c2', ['x'])]);
  assert.deepEqual(graph.groupsOf('e'), { direct: ['a'], inherited: ['b', 'c', 'c2', 'x'] });
  const cyclic = new GroupGraph([group('a', ['b'], ['e']), group('b', ['a'])]);
  assert.deepEqual(cyclic.groupsOf('e'), { direct: ['a'], inherited: ['b'] });
  assert.deepEqual(graph.groupsOf('nobody'), { direct: [], inherited: [] });
});
