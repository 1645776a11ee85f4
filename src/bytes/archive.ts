import { arMembers } from "./ar.js";
import { cpioMembers } from "./cpio.js";
import { isIso9660, isoMembers } from "./iso9660.js";
import { isRpm, rpmPayload } from "./rpm.js";
import { tarMembers } from "./tar.js";
import { isVmtar, vmtarMembers } from "./vmtar.js";
import type { ArchiveMember } from "./member.js";

export type ArchiveKind = "tar" | "cpio" | "ar" | "rpm" | "iso9660" | "vmtar";

/** Archives recognised by content. */
export function sniffArchive(b: Buffer): ArchiveKind | undefined {
  if (b.length >= 8 && b.toString("latin1", 0, 8) === "!<arch>\n") return "ar";
  if (isRpm(b)) return "rpm";
  if (b.length >= 6 && (b.toString("latin1", 0, 6) === "070701" || b.toString("latin1", 0, 6) === "070702"))
    return "cpio";
  if (b.length >= 512 && b.toString("latin1", 257, 262) === "ustar") return "tar";
  if (isVmtar(b)) return "vmtar";
  if (isIso9660(b)) return "iso9660";
  return undefined;
}

/** Every member, and for cpio whatever follows the archive (another, often compressed, archive). */
export function archiveMembers(kind: ArchiveKind, b: Buffer): { members: Iterable<ArchiveMember>; rest?: Buffer } {
  if (kind === "cpio") return cpioMembers(b);
  // An RPM's only content is its compressed cpio payload, opened in the package's place.
  if (kind === "rpm") return { members: [], rest: rpmPayload(b) };
  const readers = { tar: tarMembers, iso9660: isoMembers, vmtar: vmtarMembers, ar: arMembers } as const;
  return { members: readers[kind](b) };
}
