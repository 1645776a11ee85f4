import type { FormatError } from "../core/errors.js";
import type { ByteStream } from "./byte-stream.js";
import type { OutputBuffer } from "./output-buffer.js";
import { bufferSource, type RangeSource, subSource } from "./range-source.js";

/* One file inside an archive whose reader holds the archive whole (ISO 9660, vmtar). */
export interface ArchiveMember {
  name: string;
  data: Buffer;
  /** A regular file (not a directory, link or device entry). */
  regular: boolean;
  /** Offset of the member's header in the archive. */
  offset: number;
}

/**
 * What an entry is, as its archive says. Only files hold data of their own; a hard link holds its
 * target's; the rest hold none (a symbolic link's data is its target's name).
 */
export type MemberType =
  | "file"
  | "directory"
  | "hard link"
  | "symbolic link"
  | "character device"
  | "block device"
  | "FIFO"
  | "socket"
  | "special file";

const S_IFMT = 0o170000;
/** File types by their POSIX mode bits (S_IFMT), as cpio and Rock Ridge store them. */
const MODE_TYPES = new Map<number, MemberType>([
  [0o100000, "file"],
  [0o040000, "directory"],
  [0o120000, "symbolic link"],
  [0o020000, "character device"],
  [0o060000, "block device"],
  [0o010000, "FIFO"],
  [0o140000, "socket"],
]);
export const typeOfMode = (mode: number): MemberType => MODE_TYPES.get(mode & S_IFMT) ?? "special file";

/**
 * One file inside an archive, as every container reader hands it on. A streaming reader's member
 * is read in order: its data is taken or passed over before the reader goes on to the next one.
 */
export interface Member {
  name: string;
  /** A regular file (not a directory, link or device entry). */
  regular: boolean;
  /** What it is, where the archive says more than `regular` does; absent: a file, or a directory if not regular. */
  type?: MemberType;
  /** A hard link's target, named as the archive names its members: an earlier member, whose data are this one's. */
  linkTo?: string;
  /** A sparse member's bytes stored in its archive: its size counts holes too, expanded when read. */
  stored?: number;
  /** Damage confined to this entry: the reader went on past it, and the entry has no data. */
  damage?: FormatError;
  /** Offset of the member's header in the archive. */
  offset: number;
  size: number;
  /** Up to `n` bytes from the start of its data, to tell what it is without taking it. */
  head(n: number): Promise<Buffer>;
  /** Its data: a part of the archive's own source where there is one, read into memory otherwise. */
  data(): Promise<RangeSource>;
  /**
   * Its data in memory, once, for a caller done with them before it reads on (a module's bytes):
   * `into` gives the buffer where they must be copied.
   */
  bytes(into?: OutputBuffer): Promise<Buffer>;
}

export function heldMember(m: ArchiveMember): Member {
  return {
    name: m.name,
    regular: m.regular,
    offset: m.offset,
    size: m.data.length,
    head: async (n) => m.data.subarray(0, n),
    data: async () => bufferSource(m.data),
    bytes: async () => m.data,
  };
}

/** An entry that could not be read, named where its archive named it; the reader goes on past it. */
export function damagedMember(name: string, offset: number, damage: FormatError): Member {
  const fail = async (): Promise<never> => {
    throw damage;
  };
  return { name, regular: false, offset, size: 0, damage, head: fail, data: fail, bytes: fail };
}

/** An entry without data of its own: a hard link, a symbolic link, a device, a FIFO. */
export function entryMember(fields: Pick<Member, "name" | "offset" | "type" | "linkTo">): Member {
  const empty = Buffer.alloc(0);
  return {
    ...fields,
    regular: false,
    size: 0,
    head: async () => empty,
    data: async () => bufferSource(empty),
    bytes: async () => empty,
  };
}

/** A member whose data lie at `offset` in `source`: read only by whoever opens it. */
export function sourceMember(
  source: RangeSource,
  fields: Pick<Member, "name" | "regular" | "offset">,
  offset: number,
  size: number,
): Member {
  return {
    ...fields,
    size,
    head: (n) => source.read(offset, Math.min(n, size)),
    data: async () => subSource(source, offset, size),
    bytes: () => source.read(offset, size),
  };
}

/**
 * A member's data in a stream: taken by the consumer, or passed over by the reader once the
 * consumer is done with the member. `short`: the reader's error for data that runs past the end.
 */
export class StreamedData {
  #taken = false;

  constructor(
    private readonly stream: ByteStream,
    readonly size: number,
    private readonly short: () => FormatError,
  ) {}

  member(fields: Pick<Member, "name" | "regular" | "offset">): Member {
    return {
      ...fields,
      size: this.size,
      head: (n) => this.stream.peek(Math.min(n, this.size)),
      data: async () => {
        this.#take();
        const source = await this.stream.take(this.size);
        if (!source) throw this.short();
        return source;
      },
      bytes: async (into) => {
        this.#take();
        const b = await this.stream.read(this.size, into);
        if (b.length < this.size) throw this.short();
        return b;
      },
    };
  }

  #take(): void {
    if (this.#taken) throw new Error("a streamed member's data is taken once");
    this.#taken = true;
  }

  /** Passes over what the consumer did not take. */
  async finish(): Promise<void> {
    if (!this.#taken && (await this.stream.skip(this.size)) < this.size) throw this.short();
  }
}
