/* One file inside an archive, as every container reader hands it on. */
export interface ArchiveMember {
  name: string;
  data: Buffer;
  /** A regular file (not a directory, link or device entry). */
  regular: boolean;
  /** Offset of the member's header in the archive. */
  offset: number;
}
