/*
 * Archives written byte by byte, for the cases real tools will not write (a damaged member, a
 * hardlink set, a member of each kind) or write only from a file system (old-GNU sparse members).
 */

/** A tar header block: ustar (GNU "ustar  \0" magic when `gnu`), checksum filled in. */
export function tarHeader(
  name: string,
  fields: { size?: number; type?: string; link?: string; gnu?: boolean; extra?: (b: Buffer) => void } = {},
): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, "utf8");
  b.write("0000644\0", 100, "latin1");
  b.write("0000000\0", 108, "latin1");
  b.write("0000000\0", 116, "latin1");
  b.write(`${(fields.size ?? 0).toString(8).padStart(11, "0")}\0`, 124, "latin1");
  b.write("00000000000\0", 136, "latin1");
  b.write(fields.type ?? "0", 156, "latin1");
  if (fields.link) b.write(fields.link, 157, 100, "utf8");
  if (fields.gnu) b.write("ustar  \0", 257, "latin1");
  else b.write("ustar\x0000", 257, "latin1");
  fields.extra?.(b);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return b;
}

const pad = (n: number, to: number) => Buffer.alloc((to - (n % to)) % to);

/** A tar member: header, data, padding. */
export function tarMember(name: string, data: Buffer, fields: Parameters<typeof tarHeader>[1] = {}): Buffer {
  return Buffer.concat([tarHeader(name, { size: data.length, ...fields }), data, pad(data.length, 512)]);
}

export const tarEnd = () => Buffer.alloc(1024);

/** A newc cpio entry; `ino`, `nlink` and `mode` as given (regular file, one link by default). */
export function cpioEntry(
  name: string,
  data: Buffer,
  fields: { ino?: number; nlink?: number; mode?: number; magic?: string } = {},
): Buffer {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  const nameBytes = Buffer.from(`${name}\0`, "utf8");
  const head = Buffer.from(
    (fields.magic ?? "070701") +
      [
        fields.ino ?? 1,
        fields.mode ?? 0o100644,
        0,
        0,
        fields.nlink ?? 1,
        0,
        data.length,
        0,
        0,
        0,
        0,
        nameBytes.length,
        0,
      ]
        .map(hex)
        .join(""),
    "latin1",
  );
  const named = Buffer.concat([head, nameBytes]);
  return Buffer.concat([named, pad(named.length, 4), data, pad(data.length, 4)]);
}

export const cpioTrailer = () => cpioEntry("TRAILER!!!", Buffer.alloc(0), { ino: 0, mode: 0, nlink: 1 });

/**
 * An old-GNU sparse header ('S'): `runs` as [offset, bytes] pairs of the expanded file (at most four,
 * the header's own map), `real` its expanded size, `stored` the bytes that follow it.
 */
export function oldGnuSparseHeader(name: string, runs: [number, number][], real: number, stored = 512): Buffer {
  const octal = (n: number) => `${n.toString(8).padStart(11, "0")}\0`;
  return tarHeader(name, {
    size: stored,
    type: "S",
    gnu: true,
    extra: (b) => {
      runs.forEach(([offset, bytes], i) => {
        b.write(octal(offset), 386 + 24 * i, "latin1");
        b.write(octal(bytes), 398 + 24 * i, "latin1");
      });
      b.write(octal(real), 483, "latin1");
    },
  });
}
