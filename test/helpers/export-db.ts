import type { EmbeddedRelease, ExportDatabase } from "../../src/index.js";

/** The database as if it held only the releases `keep` accepts: how tests make it lack one. */
export function keepReleases(db: ExportDatabase, keep: (r: EmbeddedRelease) => boolean): ExportDatabase {
  const at = db.releases.flatMap((r, i) => (keep(r) ? [i] : []));
  return { ...db, releases: at.map((i) => db.releases[i]!), membership: at.map((i) => db.membership[i]!) };
}
