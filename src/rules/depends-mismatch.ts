import { normalizeModuleName } from "../resolve/identity.js";
import type { Rule } from "./types.js";
import { sortedUnique } from "../core/order.js";

export const dependsMismatch: Rule = {
  id: "depends-mismatch",
  check(m, ctx) {
    if (m.kind !== "module" || m.facts.depends === null) return [];
    const declared = new Set(m.facts.depends.map(normalizeModuleName));
    const edges = ctx.graph.dependencies(m.path);
    const computed = new Map(edges.map((e) => [normalizeModuleName(e.toName), e]));
    const missing = [...computed.keys()].filter((d) => !declared.has(d)).sort();
    // A declared module that provides nothing we can see is only wrong if every import is resolved.
    const extra =
      m.unresolved.length === 0 && ctx.kernelTableKnown ? [...declared].filter((d) => !computed.has(d)).sort() : [];
    if (missing.length === 0 && extra.length === 0) return [];
    const parts: string[] = [];
    if (missing.length) parts.push(`its imports need ${missing.join(", ")}, which depends= does not name`);
    if (extra.length) parts.push(`depends= names ${extra.join(", ")}, which provides none of its imports`);
    const symbols = sortedUnique(missing.flatMap((d) => computed.get(d)!.symbols.map((s) => s.symbol)));
    return [{ message: `depends=${m.facts.depends.join(",")}: ${parts.join("; ")}`, symbols }];
  },
};
