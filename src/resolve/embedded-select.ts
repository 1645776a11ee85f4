import type { EmbeddedRelease } from "./embedded-db.js";
import { compareCodeUnits } from "../core/order.js";

/**
 * Which embedded release stands in for the kernel a module was built for. Debian names its kernel
 * releases <upstream>-<abi>-<flavour> (6.1.0-56-amd64, bookworm's 6.1) or
 * <upstream>+<tag>[.<respin>]-<flavour> (6.12.117+deb12-amd64, 6.12.115+deb13.1-arm64). Releases of
 * one series (same upstream line and naming, e.g. every 6.1.0-N or every 6.12.x+deb13) share
 * nearly all exports, so when the exact release is missing the nearest one of its series is the
 * best stand-in; across series (6.1 → 6.12, deb12 → deb13 builds) the exports differ too much.
 */
export interface ParsedRelease {
  /** "6.1.0-abi" or "6.12+deb13": releases comparable by position. */
  series: string;
  /** Where the release sits in its series: abi × 1000, or patch level × 1000 + respin. */
  position: number;
  flavour: string;
}

const FORM = /^(\d+)\.(\d+)\.(\d+)(?:-(\d+)|\+([a-z]+\d*)(?:\.(\d+))?)?-([a-z0-9][a-z0-9-]*)$/;

/** Null for releases that follow neither of Debian's patterns (only an exact match can serve them). */
export function parseRelease(release: string): ParsedRelease | null {
  const m = FORM.exec(release);
  if (!m) return null;
  const [, major, minor, patch, abi, tag, respin, flavour] = m;
  if (abi !== undefined)
    return { series: `${major}.${minor}.${patch}-abi`, position: Number(abi) * 1000, flavour: flavour! };
  if (tag !== undefined)
    return {
      series: `${major}.${minor}+${tag}`,
      position: Number(patch) * 1000 + Number(respin ?? 0),
      flavour: flavour!,
    };
  return null;
}

export interface EmbeddedChoice {
  /** The embedded release used. */
  release: string;
  /** The release asked for (a module's vermagic, or --kernel-release). */
  wanted: string;
  exact: boolean;
}

/**
 * The exact release if the database has it; else the nearest of the same series and flavour (a
 * tie goes to the newer, as stable updates mostly add exports); else, when the series lacks that
 * flavour, the nearest of another flavour of the same architecture (the plainest flavour name on
 * a tie: amd64 before cloud-amd64). Null when the series or architecture is not in the database.
 */
export function chooseRelease(releases: readonly EmbeddedRelease[], wanted: string): EmbeddedChoice | null {
  if (releases.some((r) => r.release === wanted)) return { release: wanted, wanted, exact: true };
  const want = parseRelease(wanted);
  if (!want) return null;
  const parsed = releases.flatMap((r) => {
    const p = parseRelease(r.release);
    return p ? [{ ...p, release: r.release, arch: r.arch }] : [];
  });
  const series = parsed.filter((p) => p.series === want.series);
  let pool = series.filter((p) => p.flavour === want.flavour);
  if (pool.length === 0) {
    const arch = parsed.find((p) => p.flavour === want.flavour)?.arch;
    pool = arch === undefined ? [] : series.filter((p) => p.arch === arch);
  }
  const best = pool.sort(
    (a, b) =>
      Math.abs(a.position - want.position) - Math.abs(b.position - want.position) ||
      b.position - a.position ||
      a.flavour.length - b.flavour.length ||
      compareCodeUnits(a.flavour, b.flavour),
  )[0];
  return best ? { release: best.release, wanted, exact: false } : null;
}
