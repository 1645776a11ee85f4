import type { Rule } from "./types.js";
import { isNonGpl } from "./license.js";
import { listForMessage } from "./types.js";

/** On the non-GPL VMkernel module, one finding per GPLv2 module it binds to. */
export const vmkBindsGplModule: Rule = {
  id: "vmk-binds-gpl-module",
  dialects: ["vmkernel"],
  check(m, ctx) {
    if (!isNonGpl(m)) return [];
    return ctx.graph
      .dependencies(m.path)
      .filter((e) => {
        const p = ctx.modules.get(e.to);
        return p?.facts.dialect === "vmkernel" && p.gplCompatible.loader === true;
      })
      .map((e) => {
        const symbols = e.symbols.map((s) => s.symbol).sort();
        return {
          message:
            `license "${m.facts.licenses[0] ?? "none"}" is not GPLv2, yet it binds to ` +
            `${listForMessage(symbols, 3)} of GPLv2 module ${e.toName}`,
          symbols,
          chain: [m.name, e.toName],
        };
      });
  },
};
