import type { InspectedObject } from "../../audit/audit.js";
import { compareCodeUnits } from "../../core/order.js";
import type { SkippedFile } from "../../core/results.js";
import { chooseCopies, depmodReadOrder, depmodSees } from "../../resolve/depmod-order.js";
import { readDepmodTree, treePlace, type DepmodTree, type TreePlace } from "./depmod-config-files.js";

/** The scan's objects as depmod sees the `lib/modules/<release>/` trees that hold them. */
export interface DepmodView {
  /** The objects that count: every one but the shadowed copies, in the order given. */
  objects: InspectedObject[];
  /** Copies depmod ignores for another of the same module name, each saying which. */
  shadowed: SkippedFile[];
  /**
   * Each tree module's place among the exporters of a symbol, lower first: depmod gives a symbol to
   * the last module it reads that exports it. Modules in no tree are not in it.
   */
  precedence: Map<string, number>;
}

const shadowReason = (by: string) => `another copy of this module, ${by}, is the one depmod and modprobe use`;

/**
 * Per tree, the copies depmod keeps (its depmod.d `search` and `override` lines, read from the root
 * that holds the tree) and the order it reads their exports in (modules.order, then its table of
 * names). `located`: where each object's path lies (located.ts).
 */
export function depmodView(
  objects: readonly InspectedObject[],
  located: (path: string) => string,
  readTree: (place: TreePlace) => DepmodTree = readDepmodTree,
): DepmodView {
  const trees = new Map<string, { place: TreePlace; members: { rel: string; path: string }[] }>();
  for (const o of objects) {
    if (o.facts.kind !== "module" || o.facts.dialect !== "linux") continue;
    const place = treePlace(located(o.path));
    if (!place) continue;
    let t = trees.get(place.tree);
    if (!t) trees.set(place.tree, (t = { place, members: [] }));
    t.members.push({ rel: place.rel, path: o.path });
  }
  const out = new Set<string>();
  const shadowed: SkippedFile[] = [];
  const precedence = new Map<string, number>();
  let base = 0;
  for (const tree of [...trees.keys()].sort(compareCodeUnits)) {
    const { place, members } = trees.get(tree)!;
    const { config, order } = readTree(place);
    const seen = members.filter((m) => depmodSees(m.rel, config));
    const pathOf = new Map(seen.map((m) => [m.rel, m.path]));
    const choice = chooseCopies(
      seen.map((m) => m.rel),
      config,
    );
    for (const s of choice.shadowed) {
      const path = pathOf.get(s.path)!;
      const by = pathOf.get(s.by)!;
      out.add(path);
      shadowed.push({ path, reason: shadowReason(by), shadowedBy: by });
    }
    const read = depmodReadOrder([...choice.kept.values()], order);
    read.forEach((rel, i) => precedence.set(pathOf.get(rel)!, base + read.length - 1 - i));
    base += read.length;
  }
  return { objects: objects.filter((o) => !out.has(o.path)), shadowed, precedence };
}
