import type { Csr } from './graph';

/**
 * Marks the nodes of the largest strongly connected component of a directed graph (iterative Tarjan).
 *
 * The OSM extract is cut at the edge of the central area and contains private yards and one-way stubs, so a
 * point snapped to such a fragment could reach nothing. Points are therefore snapped only to edges inside the
 * largest component, where every node can reach every other one.
 */
export function largestComponent(nodeCount: number, g: Csr): Uint8Array {
  const index = new Int32Array(nodeCount).fill(-1);
  const low = new Int32Array(nodeCount);
  const onStack = new Uint8Array(nodeCount);
  const component = new Int32Array(nodeCount).fill(-1);
  const stack: number[] = [];
  // The explicit call stack: the node and the next arc to look at.
  const callNode = new Int32Array(nodeCount);
  const callArc = new Int32Array(nodeCount);
  let counter = 0;
  let components = 0;
  let bestComponent = -1;
  let bestSize = 0;

  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callArc[0] = g.offsets[root]!;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth]!;
      const arc = callArc[depth]!;
      if (arc < g.offsets[v + 1]!) {
        callArc[depth] = arc + 1;
        const w = g.head[arc]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callArc[depth] = g.offsets[w]!;
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component[w] = components;
          size++;
        } while (w !== v);
        if (size > bestSize) {
          bestSize = size;
          bestComponent = components;
        }
        components++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
    }
  }
  const inLargest = new Uint8Array(nodeCount);
  for (let v = 0; v < nodeCount; v++) inLargest[v] = component[v] === bestComponent ? 1 : 0;
  return inLargest;
}
