import { compareCodeUnits } from "../core/order.js";
import { type Layout, type LayoutEdge, type LayoutNode, layeredLayout } from "./html-layout.js";

/**
 * The picture's layout when its boxes belong to several kernels: each kernel's boxes laid out on
 * their own, one kernel under the other (by release) below a heading. No edge joins two kernels (a
 * module resolves within its own), and laid out together their boxes would interleave by barycentre.
 */

/** Room for a kernel's heading above its boxes. */
const HEADING = 18;

export interface KernelHeading {
  release: string;
  /** The heading's baseline. */
  y: number;
}

export interface KernelLayout extends Layout {
  headings: KernelHeading[];
}

/** `kernelOf`: a node's release, by id. Edges keep their input order in the result, as layeredLayout's do. */
export function layoutByKernel(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  kernelOf: ReadonlyMap<string, string>,
): KernelLayout {
  const releases = [...new Set(nodes.map((n) => kernelOf.get(n.id)!))].sort(compareCodeUnits);
  const joint: KernelLayout = { nodes: new Map(), edges: edges.map(() => []), width: 0, height: 0, headings: [] };
  for (const release of releases) {
    const mine = nodes.filter((n) => kernelOf.get(n.id) === release);
    const indices = edges.flatMap((e, i) => (kernelOf.get(e.from) === release ? [i] : []));
    const part = layeredLayout(
      mine,
      indices.map((i) => edges[i]!),
    );
    const dy = joint.height + HEADING;
    joint.headings.push({ release, y: dy });
    for (const [id, p] of part.nodes) joint.nodes.set(id, { x: p.x, y: p.y + dy });
    part.edges.forEach((points, k) => {
      joint.edges[indices[k]!] = points.map((p) => ({ x: p.x, y: p.y + dy }));
    });
    joint.width = Math.max(joint.width, part.width);
    joint.height = dy + part.height;
  }
  return joint;
}
