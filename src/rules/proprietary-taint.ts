import type { DependencyEdge } from "../core/graph.js";
import type { FindingDraft, ModuleUnderAudit, Rule, RuleContext } from "./types.js";
import { listForMessage } from "./types.js";
import { plural } from "../core/plural.js";
import { loaderLicense } from "./license.js";

/** A module the loader takes as GPL, which inherits the taint of a proprietary module whose symbols it uses. */
const canInheritTaint = (m: ModuleUnderAudit): boolean => m.kind === "module" && m.gplCompatible.loader === true;

/** Using `provider`'s symbols makes `user` proprietary too (Linux 5.9+): `provider` is proprietary to the loader. */
export function inheritsTaintFrom(user: ModuleUnderAudit, provider: ModuleUnderAudit): boolean {
  return canInheritTaint(user) && provider.gplCompatible.loader === false;
}

/** Edges from a GPL-compatible (to the loader) module to proprietary modules of the scan. */
function proprietaryProviders(m: ModuleUnderAudit, ctx: RuleContext): DependencyEdge[] {
  if (!canInheritTaint(m)) return [];
  return ctx.graph.dependencies(m.path).filter((e) => {
    const provider = e.inScan ? ctx.modules.get(e.to) : undefined;
    return provider !== undefined && inheritsTaintFrom(m, provider);
  });
}

const gplOnlyImports = (m: ModuleUnderAudit) => m.imports.filter((i) => i.provider?.gplOnly).map((i) => i.symbol);

function drafts(m: ModuleUnderAudit, ctx: RuleContext, wantGplOnly: boolean): FindingDraft[] {
  // Providers first: nearly every module has none, and then its imports need no second look.
  const providers = proprietaryProviders(m, ctx);
  if (providers.length === 0) return [];
  const gpl = gplOnlyImports(m);
  if (wantGplOnly !== gpl.length > 0) return [];
  return providers.map((e) => {
    const symbols = e.symbols.map((s) => s.symbol).sort();
    const license = loaderLicense(ctx.modules.get(e.to)!);
    const from = `${e.toName} (license ${license === null ? "unspecified" : `"${license}"`})`;
    return {
      message: wantGplOnly
        ? `uses ${listForMessage(symbols, 3)} from proprietary module ${from} and ` +
          `${plural(gpl.length, "GPL-only symbol")} (${listForMessage(gpl.sort(), 3)}): ` +
          "the kernel refuses to load it"
        : `uses ${listForMessage(symbols, 3)} from proprietary module ${from}, so it inherits the proprietary taint`,
      symbols,
      chain: [m.name, e.toName],
    };
  });
}

export const proprietaryTaintInherited: Rule = {
  id: "proprietary-taint-inherited",
  check: (m, ctx) => drafts(m, ctx, true),
};

export const inheritsProprietaryTaint: Rule = {
  id: "inherits-proprietary-taint",
  check: (m, ctx) => drafts(m, ctx, false),
};
