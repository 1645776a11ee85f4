import { compareCodeUnits } from "../core/order.js";
import type { EmbeddedRelease } from "./embedded-db.js";
import { chooseRelease, type EmbeddedChoice, parseRelease } from "./embedded-select.js";

/**
 * Which embedded release an upgrade check targets. `--to` names a release (exact, else the nearest
 * of its series, as chooseRelease picks), a series such as `6.12` (its newest build), or `latest`
 * (the newest build the database has); the last two are taken in the flavour of the module's own
 * release, as a kernel upgrade keeps the flavour.
 */
export type UpgradeTarget =
  | { kind: "release"; release: string }
  | { kind: "series"; series: string }
  | { kind: "latest" };

export function parseUpgradeTarget(to: string): UpgradeTarget {
  if (to === "latest") return { kind: "latest" };
  if (/^\d+\.\d+$/.test(to)) return { kind: "series", series: to };
  return { kind: "release", release: to };
}

/**
 * Upstream major.minor, then the Debian line (every 6.12+deb12 build before any 6.12+deb13 one: each
 * line is one series of stable updates), then the place within it.
 */
interface Placed {
  release: string;
  flavour: string;
  major: number;
  minor: number;
  position: number;
  tag: string;
}

function placed(release: string): Placed | null {
  // Experimental's release candidates are named for their upstream line alone (7.3-amd64): before
  // every build of that line.
  const candidate = /^(\d+)\.(\d+)-([a-z][a-z0-9-]*)$/.exec(release);
  if (candidate)
    return {
      release,
      flavour: candidate[3]!,
      major: Number(candidate[1]),
      minor: Number(candidate[2]),
      position: -1,
      tag: "",
    };
  const p = parseRelease(release);
  const m = /^(\d+)\.(\d+)\./.exec(release);
  if (!p || !m) return null;
  const tag = /\+([a-z]+\d*)/.exec(release)?.[1] ?? "";
  return { release, flavour: p.flavour, major: Number(m[1]), minor: Number(m[2]), position: p.position, tag };
}

/** Older first, as releases follow one another within a flavour. */
export function compareReleases(a: string, b: string): number {
  const x = placed(a);
  const y = placed(b);
  if (!x || !y) return x ? 1 : y ? -1 : compareCodeUnits(a, b);
  return (
    x.major - y.major ||
    x.minor - y.minor ||
    compareCodeUnits(x.tag, y.tag) ||
    x.position - y.position ||
    compareCodeUnits(x.flavour, y.flavour)
  );
}

/**
 * The release `target` means for a module built for `own` (its vermagic release; null for a blob
 * or a module without one, when `fallbackOwn` — its kernel's release — decides the flavour). Null
 * when the database has no such build in that flavour.
 */
export function chooseUpgradeTarget(
  releases: readonly EmbeddedRelease[],
  target: UpgradeTarget,
  own: string | null,
): EmbeddedChoice | null {
  if (target.kind === "release") return chooseRelease(releases, target.release);
  const flavour = own === null ? null : (parseRelease(own)?.flavour ?? null);
  if (flavour === null) return null;
  const wanted = target.kind === "latest" ? "latest" : target.series;
  const candidates = releases
    .map((r) => placed(r.release))
    .filter((p): p is Placed => p !== null && p.flavour === flavour)
    .filter((p) => target.kind === "latest" || `${p.major}.${p.minor}` === target.series)
    .sort((a, b) => compareReleases(b.release, a.release));
  const newest = candidates[0];
  return newest ? { release: newest.release, wanted, exact: false } : null;
}
