import { releaseOfVermagic } from "../resolve/release.js";
import type { Rule } from "./types.js";

export const vermagicMismatch: Rule = {
  id: "vermagic-mismatch",
  check(m, ctx) {
    if (m.kind !== "module" || !ctx.targetRelease || m.facts.vermagic === null) return [];
    const built = releaseOfVermagic(m.facts.vermagic);
    if (built === ctx.targetRelease) return [];
    return [{ message: `built for ${built}, the target kernel is ${ctx.targetRelease}`, symbols: [] }];
  },
};
