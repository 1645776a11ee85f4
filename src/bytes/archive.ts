import { arMembers } from "./ar.js";
import type { ByteStream } from "./byte-stream.js";
import { cpioMembers } from "./cpio.js";
import { isIso9660, isoMembers } from "./iso9660.js";
import { isLzmaAlone } from "./lzma-alone.js";
import { heldMember, type Member } from "./member.js";
import type { RangeSource } from "./range-source.js";
import { isRpm, rpmPayload } from "./rpm.js";
import { sniffCompression } from "./sniff.js";
import { tarMembers } from "./tar.js";
import { isVmtar, vmtarMembers } from "./vmtar.js";

export type ArchiveKind = "tar" | "cpio" | "ar" | "rpm" | "iso9660" | "vmtar";

/** How many bytes from an archive's start sniffArchive needs (ISO 9660: its first descriptor, a sector at 32 KiB). */
export const ARCHIVE_HEAD = 0x8000 + 0x800;

/** Archives recognised by content. `b`: the start of the bytes, at least ARCHIVE_HEAD of them if there are. */
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

/** Whether bytes starting so hold other files inside: compressed (.lzma too), or an archive. */
export const isContainerStart = (b: Buffer): boolean =>
  sniffCompression(b) !== undefined || isLzmaAlone(b) || sniffArchive(b) !== undefined;

/**
 * Every member, in order; returns what follows the archive, when something does, as another input
 * (a cpio's next segment, an RPM's compressed payload). tar, cpio and ar are read as they stream
 * past, ISO 9660 and RPM in place (an ISO's members lie at offsets its directories give, an RPM's
 * payload after its headers); vmtar finds members by offset too, but comes gzip'd, so it is read
 * whole first.
 */
export async function* archiveMembers(
  kind: ArchiveKind,
  s: ByteStream,
): AsyncGenerator<Member, RangeSource | undefined> {
  if (kind === "tar") yield* tarMembers(s);
  else if (kind === "ar") yield* arMembers(s);
  else if (kind === "cpio") return (yield* cpioMembers(s)) ? await s.rest() : undefined;
  else if (kind === "iso9660") yield* isoMembers(await s.rest());
  // An RPM's only content is its compressed cpio payload, opened in the package's place.
  else if (kind === "rpm") return rpmPayload(await s.rest());
  else {
    const rest = await s.rest();
    for (const m of vmtarMembers(await rest.read(0, rest.size))) yield heldMember(m);
  }
  return undefined;
}
