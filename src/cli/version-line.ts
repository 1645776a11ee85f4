import { errorMessage } from "../core/errors.js";
import { compareReleases, parseRelease, readExportDatabaseHeader, VERSION, type EmbeddedRelease } from "../index.js";

/** "6.1.0-47", "6.12.117+deb12": a release without its flavour, as Debian's kernel series go. */
function withoutFlavour(release: string): string {
  const flavour = parseRelease(release)?.flavour;
  return flavour ? release.slice(0, -(flavour.length + 1)) : release;
}

/** "191 Debian kernel builds, 6.1.0-47 … 7.3.4+deb13, for amd64, arm64, …" */
function describe(releases: readonly EmbeddedRelease[]): string {
  if (releases.length === 0) return "no kernel builds";
  const series = [
    ...new Set(
      releases
        .map((r) => r.release)
        .sort(compareReleases)
        .map(withoutFlavour),
    ),
  ];
  const range = series.length === 1 ? series[0] : `${series[0]} … ${series.at(-1)}`;
  const archs = [...new Set(releases.map((r) => r.arch))].sort();
  return `${releases.length} Debian kernel build${releases.length === 1 ? "" : "s"}, ${range}, for ${archs.join(", ")}`;
}

/**
 * What `kmodaudit --version` prints: the tool's version and what its embedded export database
 * covers, read from the database's header at run time (the database is regenerated apart from
 * the code). A database that cannot be read is said, not an error: --version still answers.
 */
export function versionLine(): string {
  try {
    const { releases, generated } = readExportDatabaseHeader();
    const database = `embedded export database${generated ? ` of ${generated}` : ""}`;
    return `kmodaudit ${VERSION} (${database}: ${describe(releases)})`;
  } catch (e) {
    return `kmodaudit ${VERSION} (embedded export database unreadable: ${errorMessage(e)})`;
  }
}
