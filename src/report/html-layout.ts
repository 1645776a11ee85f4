/**
 * A small layered ("Sugiyama") layout, left to right, for the report's dependency picture: enough
 * for a hundred boxes, computed at report time so the HTML needs no layout library.
 *
 * Stages: break cycles (reverse DFS back edges) → rank by longest path to a sink, so providers
 * (vmlinux) end up rightmost and importers left of what they import → split long edges into dummy
 * points, one per layer crossed → order each layer by barycentres (keeping the order with fewest
 * crossings) → place boxes vertically near their neighbours (isotonic regression under spacing
 * constraints) → route edges through their dummy points, spreading their ends along each box side.
 */
import { pushTo } from "../core/group.js";

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdge {
  from: string;
  to: string;
}

export interface Point {
  x: number;
  y: number;
}

export interface Layout {
  /** Top-left corner of each node's box. */
  nodes: Map<string, Point>;
  /** Per input edge, in input order: from the source's right side through the bends to the target's left side. */
  edges: Point[][];
  width: number;
  height: number;
}

export interface LayoutSpacing {
  /** Horizontal room between layers (edges and their labels run there). */
  layerGap: number;
  /** Vertical room between boxes of one layer. */
  nodeGap: number;
  margin: number;
}

const DEFAULT_SPACING: LayoutSpacing = { layerGap: 140, nodeGap: 14, margin: 16 };

interface Vertex {
  width: number;
  height: number;
  layer: number;
  /** Index within its layer. */
  order: number;
  y: number;
  /** Neighbours in the previous and the next layer (edges run from lower to higher layer). */
  up: number[];
  down: number[];
}

/** Edges (by vertex index) that close a cycle, found by depth-first search: reversing them leaves a DAG. */
function backEdges(n: number, out: number[][]): Set<string> {
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  const back = new Set<string>();
  for (let start = 0; start < n; start++) {
    if (state[start]) continue;
    // Iterative DFS: a deep chain of modules must not overflow the call stack.
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      if (i >= out[v]!.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const w = out[v]![i]!;
      if (state[w] === 1) back.add(`${v},${w}`);
      else if (state[w] === 0) {
        state[w] = 1;
        stack.push([w, 0]);
      }
    }
  }
  return back;
}

/**
 * Layer of each vertex: its longest path to a sink, counted from the right. Nodes without any edge go
 * to the first layer.
 */
function rank(n: number, out: number[][], inDegree: number[]): number[] {
  const height = new Array<number>(n).fill(0);
  // Reverse topological order: every successor's height is final before its predecessors look at it.
  for (const v of topologicalOrder(n, out).reverse())
    for (const w of out[v]!) height[v] = Math.max(height[v]!, height[w]! + 1);
  const max = Math.max(0, ...height);
  return height.map((h, v) => (out[v]!.length === 0 && inDegree[v] === 0 ? 0 : max - h));
}

function topologicalOrder(n: number, out: number[][]): number[] {
  const indeg = new Array<number>(n).fill(0);
  for (const ws of out) for (const w of ws) indeg[w]!++;
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) queue.push(v);
  const order: number[] = [];
  while (queue.length) {
    const v = queue.shift()!;
    order.push(v);
    for (const w of out[v]!) if (--indeg[w]! === 0) queue.push(w);
  }
  return order;
}

function crossings(layers: number[][], vs: Vertex[]): number {
  let total = 0;
  for (const layer of layers) {
    const pairs: [number, number][] = [];
    for (const v of layer) for (const w of vs[v]!.down) pairs.push([vs[v]!.order, vs[w]!.order]);
    for (let i = 0; i < pairs.length; i++) {
      for (let j = i + 1; j < pairs.length; j++) {
        const [a1, b1] = pairs[i]!;
        const [a2, b2] = pairs[j]!;
        if ((a1 - a2) * (b1 - b2) < 0) total++;
      }
    }
  }
  return total;
}

/** Sorts each layer by the mean position of its neighbours on one side; a vertex without any keeps its place. */
function sweep(layers: number[][], vs: Vertex[], side: "up" | "down"): void {
  const sequence = side === "up" ? layers.keys() : [...layers.keys()].reverse().values();
  for (const l of sequence) {
    const layer = layers[l]!;
    const key = new Map<number, number>();
    for (const v of layer) {
      const nb = vs[v]![side];
      key.set(v, nb.length ? nb.reduce((s, w) => s + vs[w]!.order, 0) / nb.length : vs[v]!.order);
    }
    layer.sort((a, b) => key.get(a)! - key.get(b)! || vs[a]!.order - vs[b]!.order);
    layer.forEach((v, i) => (vs[v]!.order = i));
  }
}

function orderLayers(layers: number[][], vs: Vertex[]): void {
  let best = layers.map((l) => [...l]);
  let bestCrossings = crossings(layers, vs);
  for (let i = 0; i < 8 && bestCrossings > 0; i++) {
    sweep(layers, vs, i % 2 === 0 ? "up" : "down");
    const c = crossings(layers, vs);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = layers.map((l) => [...l]);
    }
  }
  best.forEach((l, li) => {
    layers[li] = l;
    l.forEach((v, i) => (vs[v]!.order = i));
  });
}

/**
 * Places a layer's boxes, in their order, as close as possible (least squares) to the wanted tops
 * while keeping `gap` between them: isotonic regression by pool-adjacent-violators.
 */
function placeLayer(layer: number[], vs: Vertex[], wanted: number[], gap: number): void {
  const offsets: number[] = [];
  let acc = 0;
  for (const v of layer) {
    offsets.push(acc);
    acc += vs[v]!.height + gap;
  }
  const blocks: { value: number; weight: number; count: number }[] = [];
  layer.forEach((_, i) => {
    blocks.push({ value: wanted[i]! - offsets[i]!, weight: 1, count: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.value > blocks[blocks.length - 1]!.value) {
      const b = blocks.pop()!;
      const a = blocks[blocks.length - 1]!;
      a.value = (a.value * a.weight + b.value * b.weight) / (a.weight + b.weight);
      a.weight += b.weight;
      a.count += b.count;
    }
  });
  let i = 0;
  for (const block of blocks) for (let k = 0; k < block.count; k++, i++) vs[layer[i]!]!.y = block.value + offsets[i]!;
}

function centre(v: Vertex): number {
  return v.y + v.height / 2;
}

function placeVertically(layers: number[][], vs: Vertex[], gap: number): void {
  for (const layer of layers) {
    let y = 0;
    for (const v of layer) {
      vs[v]!.y = y;
      y += vs[v]!.height + gap;
    }
  }
  for (let i = 0; i < 6; i++) {
    const side = i % 2 === 0 ? "up" : "down";
    const sequence = side === "up" ? [...layers.keys()] : [...layers.keys()].reverse();
    for (const l of sequence) {
      const layer = layers[l]!;
      const wanted = layer.map((v) => {
        const nb = vs[v]![side].length ? vs[v]![side] : [...vs[v]!.up, ...vs[v]!.down];
        return nb.length ? nb.reduce((s, w) => s + centre(vs[w]!), 0) / nb.length - vs[v]!.height / 2 : vs[v]!.y;
      });
      placeLayer(layer, vs, wanted, gap);
    }
  }
}

export function layeredLayout(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  spacing: LayoutSpacing = DEFAULT_SPACING,
): Layout {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const n = nodes.length;
  const out: number[][] = nodes.map(() => []);
  const pairs = edges.map((e) => [index.get(e.from), index.get(e.to)] as const);
  for (const [a, b] of pairs) if (a !== undefined && b !== undefined && a !== b) out[a]!.push(b);
  const back = backEdges(n, out);
  // The acyclic version: back edges reversed, duplicates (a→b and b→a) merged.
  const dag: number[][] = nodes.map(() => []);
  for (let a = 0; a < n; a++) {
    for (const b of out[a]!) {
      const [s, t] = back.has(`${a},${b}`) ? [b, a] : [a, b];
      if (!dag[s]!.includes(t)) dag[s]!.push(t);
    }
  }
  const inDegree = new Array<number>(n).fill(0);
  for (const ws of dag) for (const w of ws) inDegree[w]!++;
  const layerOf = rank(n, dag, inDegree);

  const vs: Vertex[] = nodes.map((node, i) => ({
    width: node.width,
    height: node.height,
    layer: layerOf[i]!,
    order: 0,
    y: 0,
    up: [],
    down: [],
  }));
  // Each DAG edge becomes a path of vertices, one per layer it crosses.
  const routes = new Map<string, number[]>();
  for (let s = 0; s < n; s++) {
    for (const t of dag[s]!) {
      const path = [s];
      for (let l = vs[s]!.layer + 1; l < vs[t]!.layer; l++) {
        vs.push({ width: 0, height: 0, layer: l, order: 0, y: 0, up: [], down: [] });
        path.push(vs.length - 1);
      }
      path.push(t);
      for (let k = 0; k + 1 < path.length; k++) {
        vs[path[k]!]!.down.push(path[k + 1]!);
        vs[path[k + 1]!]!.up.push(path[k]!);
      }
      routes.set(`${s},${t}`, path);
    }
  }

  const layerCount = vs.reduce((m, v) => Math.max(m, v.layer), 0) + 1;
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  // Initial order: by input order, which the caller makes meaningful (most serious first).
  vs.forEach((v, i) => {
    v.order = layers[v.layer]!.length;
    layers[v.layer]!.push(i);
  });
  orderLayers(layers, vs);
  placeVertically(layers, vs, spacing.nodeGap);

  // Placement moves whole layers up or down; the drawing starts at the topmost box.
  const top = vs.reduce((m, v) => Math.min(m, v.y), vs.length ? Infinity : 0);
  const layerX: number[] = [];
  let x = spacing.margin;
  for (const layer of layers) {
    layerX.push(x);
    x += Math.max(0, ...layer.map((v) => vs[v]!.width)) + spacing.layerGap;
  }
  const px = (v: number) => layerX[vs[v]!.layer]!;
  const py = (v: number) => vs[v]!.y - top + spacing.margin;

  const positions = new Map<string, Point>();
  nodes.forEach((node, i) => positions.set(node.id, { x: px(i), y: py(i) }));

  const routed = pairs.map(([a, b]) => {
    if (a === undefined || b === undefined) return [];
    if (a === b) {
      const p = positions.get(nodes[a]!.id)!;
      return [{ x: p.x + vs[a]!.width, y: p.y + vs[a]!.height / 2 }];
    }
    const reversed = back.has(`${a},${b}`);
    const path = reversed ? routes.get(`${b},${a}`)! : routes.get(`${a},${b}`)!;
    const points = path.map((v, k) => {
      const w = vs[v]!;
      const xEdge = k === 0 ? px(v) + w.width : k === path.length - 1 ? px(v) : px(v) + w.width / 2;
      return { x: xEdge, y: py(v) + w.height / 2 };
    });
    return reversed ? points.reverse() : points;
  });

  spreadPorts(routed, pairs, nodes, positions);
  const width = x - spacing.layerGap + spacing.margin;
  const height = vs.reduce((m, v, i) => Math.max(m, py(i) + v.height), 0) + spacing.margin;
  return {
    nodes: positions,
    edges: routed,
    width: Math.max(width, 2 * spacing.margin),
    height: Math.max(height, 2 * spacing.margin),
  };
}

/**
 * Edges leaving (or entering) one box would otherwise all meet at the middle of its side; spread
 * them over the middle of that side in the order of where they go, so they neither cross at the
 * box nor hide each other's labels.
 */
function spreadPorts(
  routed: Point[][],
  pairs: readonly (readonly [number | undefined, number | undefined])[],
  nodes: readonly LayoutNode[],
  positions: Map<string, Point>,
): void {
  const ends = new Map<string, { point: Point; toward: number }[]>();
  routed.forEach((points, i) => {
    const [a, b] = pairs[i]!;
    if (points.length < 2 || a === undefined || b === undefined) return;
    const first = points[0]!;
    const last = points[points.length - 1]!;
    const add = (key: string, point: Point, toward: number) => pushTo(ends, key, { point, toward });
    // The side is told by which end of the box the point lies on: a reversed edge leaves from the left.
    add(`${a}:${first.x}`, first, points[1]!.y);
    add(`${b}:${last.x}`, last, points[points.length - 2]!.y);
  });
  for (const [key, list] of ends) {
    if (list.length < 2) continue;
    const node = nodes[Number(key.slice(0, key.indexOf(":")))]!;
    const top = positions.get(node.id)!.y;
    // Keep ends off the rounded corners, but use a tall box's height: labelled edges need a line each.
    const span = Math.max(node.height * 0.7, node.height - 12);
    list.sort((p, q) => p.toward - q.toward);
    list.forEach((e, k) => (e.point.y = top + (node.height - span) / 2 + (span * (k + 0.5)) / list.length));
  }
}
