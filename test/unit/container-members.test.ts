import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isLzmaAlone, lzmaAloneChunks, lzmaNativeChunks } from "../../src/bytes/lzma-alone.js";
import { DEFAULT_LIMITS, inspectInput, scan } from "../../src/index.js";
import { cpioEntry, cpioTrailer, oldGnuSparseHeader, tarEnd, tarMember } from "../helpers/archive-bytes.js";

/*
 * Every entry of a package or image is accounted for, as a directory walk accounts for every file:
 * a module is found however its archive stores it (a legacy .lzma payload, a hard link, a sparse
 * member), what is no file is listed with the reason it holds no module, and damage to one entry
 * is that entry's error, the rest of the archive read.
 */
const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const gpl = readFileSync(join(SAMPLES, "gpl_clean.ko"));
const prop = readFileSync(join(SAMPLES, "proprietary_gpl_use.ko"));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const sh = (cmd: string, cwd: string) => execFileSync("bash", ["-c", cmd], { cwd, maxBuffer: 1 << 28 });
const tmp = () => mkdtempSync(join(tmpdir(), "kmodaudit-members-"));

type Seen = [path: string, what: string];
/** Each outcome as [path, module name | "skipped: reason" | "error: structure"], in path order. */
async function seen(bytes: Buffer, limits = DEFAULT_LIMITS): Promise<{ self?: string; members: Seen[] }> {
  const r = await inspectInput(bytes, { limits });
  const show = (o: (typeof r.members)[number]["outcome"]): string =>
    o.kind === "facts"
      ? `module ${o.facts.name} ${o.facts.sha256}`
      : o.kind === "skipped"
        ? `skipped: ${o.reason}`
        : `error: ${o.message}`;
  return {
    ...(r.self ? { self: show(r.self) } : {}),
    members: r.members.map((m): Seen => [m.path, show(m.outcome)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}
const mod = (name: string, b: Buffer) => `module ${name} ${sha(b)}`;

describe("legacy .lzma payloads", () => {
  const tree = () => {
    const dir = tmp();
    mkdirSync(join(dir, "root/lib/modules/6.1.0-56-amd64/extra"), { recursive: true });
    writeFileSync(join(dir, "root/lib/modules/6.1.0-56-amd64/extra/gpl.ko"), gpl);
    writeFileSync(join(dir, "root/lib/modules/6.1.0-56-amd64/extra/prop.ko"), prop);
    return dir;
  };
  const MODS: Seen[] = [
    ["lib/modules/6.1.0-56-amd64/extra/gpl.ko", mod("gpl_clean", gpl)],
    ["lib/modules/6.1.0-56-amd64/extra/prop.ko", mod("proprietary_gpl_use", prop)],
  ];
  const under = (prefix: string) => MODS.map(([p, w]): Seen => [prefix + p, w]);

  it("a .deb whose data is data.tar.lzma: its modules are read, not skipped as not ELF", async () => {
    const dir = tree();
    sh(
      "tar --sort=name -C root -cf - lib | lzma -c > data.tar.lzma && echo 2.0 > debian-binary && ar qc pkg.deb debian-binary data.tar.lzma",
      dir,
    );
    const r = await seen(readFileSync(join(dir, "pkg.deb")));
    expect(r.members.filter(([p]) => p !== "debian-binary")).toEqual(under("data.tar.lzma!/"));
  });

  it("an RPM whose payload is lzma-compressed cpio", async () => {
    const dir = tree();
    const payload = sh("(cd root && find lib | sort | cpio -o -H newc --quiet) | lzma -c", dir);
    // Lead (96 bytes), an empty signature header (padded to 8), an empty main header, the payload.
    const lead = Buffer.alloc(96);
    lead.set([0xed, 0xab, 0xee, 0xdb, 3, 0]);
    const header = Buffer.from([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = await seen(Buffer.concat([lead, header, header, payload]));
    expect(r.members.filter(([, w]) => w.startsWith("module"))).toEqual(under(""));
  });

  it("an initramfs compressed with lzma, as the kernel unpacks one", async () => {
    const dir = tree();
    const r = await seen(sh("(cd root && find lib | sort | cpio -o -H newc --quiet) | lzma -c", dir));
    expect(r.members.filter(([, w]) => w.startsWith("module"))).toEqual(under(""));
  });

  it("is stopped by the expansion ratio, as xz is", async () => {
    const bomb = sh("head -c 64M /dev/zero | lzma -1 -c", tmp());
    const r = await seen(Buffer.concat([tarMember("a.ko", gpl), tarMember("bomb.lzma", bomb), tarEnd()]));
    expect(r.members).toEqual([
      ["a.ko", mod("gpl_clean", gpl)],
      ["bomb.lzma", expect.stringMatching(/^error: lzma stream: .*--max-ratio/)],
    ]);
  });

  it("is refused before decoding when its header declares more than --max-decompressed", async () => {
    const small = sh("lzma -c", tmp());
    const lz = Buffer.from(execFileSync("lzma", ["-c"], { input: Buffer.concat([tarMember("a.ko", gpl), tarEnd()]) }));
    lz.writeBigUInt64LE(1n << 36n, 5);
    const r = await seen(Buffer.concat([tarMember("big.lzma", lz), tarEnd()]));
    expect(r.members).toEqual([["big.lzma", expect.stringMatching(/^error: lzma stream: declares 68719476736 bytes/)]]);
    expect(small.length).toBeGreaterThan(0);
  });

  it("a dictionary larger than the xz dictionary limit is refused, as for xz", async () => {
    const lz = Buffer.from(execFileSync("lzma", ["-c"], { input: Buffer.concat([tarMember("a.ko", gpl), tarEnd()]) }));
    lz.writeUInt32LE(0xffffffff, 1);
    const r = await seen(Buffer.concat([tarMember("a.tar.lzma", lz), tarEnd()]));
    expect(r.members).toEqual([
      ["a.tar.lzma", expect.stringMatching(/^error: lzma stream: needs more memory than the/)],
    ]);
  });

  it("damaged or cut short is an error of the lzma stream", async () => {
    const lz = execFileSync("lzma", ["-c"], { input: Buffer.concat([tarMember("a.ko", gpl), tarEnd()]) });
    const cut = lz.subarray(0, lz.length >> 1);
    const r = await seen(Buffer.concat([tarMember("cut.tar.lzma", cut), tarEnd()]));
    expect(r.members).toEqual([["cut.tar.lzma", expect.stringMatching(/^error: lzma stream: truncated/)]]);
  });

  it("an ELF object in .lzma is named, not taken for a module the system could load", async () => {
    const r = await seen(
      Buffer.concat([tarMember("m.ko.lzma", execFileSync("lzma", ["-c"], { input: prop })), tarEnd()]),
    );
    expect(r.members).toEqual([["m.ko.lzma", expect.stringMatching(/^skipped: lzma-compressed, an ELF object/)]]);
  });

  it("is told by liblzma's own header checks, so other data starting 5d 00 is not taken for it", () => {
    const lz = execFileSync("lzma", ["-c"], { input: gpl });
    expect(isLzmaAlone(lz)).toBe(true);
    const firmware = Buffer.from(lz);
    firmware[13] = 1; // the range coder's first byte is always 0
    expect(isLzmaAlone(firmware)).toBe(false);
    firmware[13] = 0;
    firmware.writeUInt32LE(0x12345, 1); // no dictionary size liblzma accepts
    expect(isLzmaAlone(firmware)).toBe(false);
  });

  it("lzma-native, the fallback where there is no system liblzma, gives the same bytes", async () => {
    const data = Buffer.concat([gpl, prop, gpl]);
    const lz = execFileSync("lzma", ["-c"], { input: data });
    const all = async (g: AsyncIterable<Buffer>) => {
      const out: Buffer[] = [];
      for await (const b of g) out.push(b);
      return Buffer.concat(out);
    };
    expect(sha(await all(lzmaAloneChunks(lz, DEFAULT_LIMITS, { chunkBytes: 4096 })))).toBe(sha(data));
    expect(sha(await all(lzmaNativeChunks(lz, DEFAULT_LIMITS, { chunkBytes: 4096 })))).toBe(sha(data));
  });
});

describe("tar entries that are not plain files", () => {
  it("a hard link to a module is that module under its own name", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "root"));
    writeFileSync(join(dir, "root/a.ko"), prop);
    sh("ln root/a.ko root/b.ko && tar --sort=name -cf out.tar root", dir);
    const bytes = readFileSync(join(dir, "out.tar"));
    const b = bytes.indexOf("root/b.ko");
    expect([b % 512, String.fromCharCode(bytes[b + 156]!)]).toEqual([0, "1"]); // stored as a hard link
    expect((await seen(bytes)).members).toEqual([
      ["root/a.ko", mod("proprietary_gpl_use", prop)],
      ["root/b.ko", mod("proprietary_gpl_use", prop)],
    ]);
  });

  it("a hard link to a compressed archive gives its members under the link's name", async () => {
    const inner = execFileSync("gzip", ["-c"], { input: Buffer.concat([tarMember("m.ko", prop), tarEnd()]) });
    const r = await seen(
      Buffer.concat([
        tarMember("x.tgz", inner),
        tarMember("y.tgz", Buffer.alloc(0), { type: "1", link: "./x.tgz" }),
        tarEnd(),
      ]),
    );
    expect(r.members).toEqual([
      ["x.tgz!/m.ko", mod("proprietary_gpl_use", prop)],
      ["y.tgz!/m.ko", mod("proprietary_gpl_use", prop)],
    ]);
  });

  it("what a hard link gives again counts against --max-members", async () => {
    const inner = execFileSync("gzip", ["-c"], {
      input: Buffer.concat([tarMember("m1.ko", prop), tarMember("m2.ko", gpl), tarEnd()]),
    });
    const link = (n: string) => tarMember(n, Buffer.alloc(0), { type: "1", link: "x.tgz" });
    const r = await seen(Buffer.concat([tarMember("x.tgz", inner), link("y.tgz"), link("z.tgz"), tarEnd()]), {
      ...DEFAULT_LIMITS,
      maxMembers: 6,
    });
    expect(r.self).toMatch(/^error: tar archive: more than 6 members \(--max-members\)/);
  });

  it("symbolic links, devices, FIFOs and links to nothing are listed as skipped, with why", async () => {
    const r = await seen(
      Buffer.concat([
        tarMember("dir/", Buffer.alloc(0), { type: "5" }),
        tarMember("dir/s.ko", Buffer.alloc(0), { type: "2", link: "../elsewhere/m.ko" }),
        tarMember("dir/c", Buffer.alloc(0), { type: "3" }),
        tarMember("dir/b", Buffer.alloc(0), { type: "4" }),
        tarMember("dir/f", Buffer.alloc(0), { type: "6" }),
        tarMember("dir/h.ko", Buffer.alloc(0), { type: "1", link: "dir/nothing.ko" }),
        tarEnd(),
      ]),
    );
    expect(r.members).toEqual([
      ["dir/b", "skipped: block device, not a regular file"],
      ["dir/c", "skipped: character device, not a regular file"],
      ["dir/f", "skipped: FIFO, not a regular file"],
      ["dir/h.ko", 'skipped: hard link to "dir/nothing.ko", which no earlier member is'],
      ["dir/s.ko", "skipped: symbolic link, not followed"],
    ]);
  });

  it("a member of a type tar does not know is a file, as GNU tar extracts it", async () => {
    const r = await seen(Buffer.concat([tarMember("z.ko", prop, { type: "Z" }), tarEnd()]));
    expect(r.members).toEqual([["z.ko", mod("proprietary_gpl_use", prop)]]);
  });

  it.each([
    ["old GNU ('S', the map continued in extension blocks)", "--format=gnu", "S"],
    ["pax 1.0 (the map in the data)", "--format=pax --sparse-version=1.0", "x"],
    ["pax 0.1 (GNU.sparse.map)", "--format=pax --sparse-version=0.1", "x"],
    ["pax 0.0 (GNU.sparse.offset and numbytes repeated)", "--format=pax --sparse-version=0.0", "x"],
  ])("a sparse member, %s, is read with its holes expanded", async (_what, format, type) => {
    const dir = tmp();
    // The module, then holes and short runs of data: more runs than an old-GNU header's four.
    const file = join(dir, "s.ko");
    const fd = openSync(file, "w");
    writeSync(fd, prop, 0, prop.length, 0);
    for (let i = 1; i <= 7; i++) writeSync(fd, Buffer.from(`run ${i}`), 0, 5, i * (1 << 20));
    closeSync(fd);
    sh(`tar ${format} --sparse -cf out.tar s.ko`, dir);
    const bytes = readFileSync(join(dir, "out.tar"));
    expect(bytes.length).toBeLessThan(1 << 20); // stored sparse, not whole
    if (type === "S") expect(String.fromCharCode(bytes[156]!)).toBe("S");
    else expect(bytes.includes("GNU.sparse.")).toBe(true);
    const whole = readFileSync(file);
    expect((await seen(bytes)).members).toEqual([["s.ko", mod("proprietary_gpl_use", whole)]]);
  });

  it("a sparse member whose map cannot be a file's is its own error; the members after it are read", async () => {
    // two runs of 512 bytes (one stored) at 0 and 256: overlapping
    const sparse = oldGnuSparseHeader(
      "bad.ko",
      [
        [0, 512],
        [256, 512],
      ],
      1024,
    );
    const r = await seen(Buffer.concat([sparse, Buffer.alloc(512), tarMember("after.ko", gpl), tarEnd()]));
    expect(r.members).toEqual([
      ["after.ko", mod("gpl_clean", gpl)],
      ["bad.ko", expect.stringMatching(/^error: tar sparse map: bad.ko: run at 256 overlaps/)],
    ]);
  });

  it.each([
    ["the expansion ratio", 0o77777777777, DEFAULT_LIMITS, /--max-ratio/],
    ["--max-decompressed", 10 << 20, { ...DEFAULT_LIMITS, maxDecompressedBytes: 8 << 20 }, /--max-decompressed/],
  ])("a sparse module expanding past %s is an error, not an allocation", async (_what, real, limits, why) => {
    // A module's head in one stored block, then holes up to the expanded size.
    const sparse = oldGnuSparseHeader("huge.ko", [[0, 512]], real);
    const r = await seen(Buffer.concat([sparse, prop.subarray(0, 512), tarMember("after.ko", gpl), tarEnd()]), limits);
    expect(r.members).toEqual([
      ["after.ko", mod("gpl_clean", gpl)],
      ["huge.ko", expect.stringMatching(/^error: tar sparse member: \d+ bytes with its holes: /)],
    ]);
    expect(r.members[1]![1]).toMatch(why);
  });

  it("a sparse member that holds no module is passed over unexpanded, however large", async () => {
    const sparse = oldGnuSparseHeader("disk.img", [[0, 512]], 0o77777777777);
    const r = await seen(Buffer.concat([sparse, Buffer.alloc(512, 0x41), tarEnd()]));
    expect(r.members).toEqual([["disk.img", "skipped: not ELF (starts with 41 41 41 41 41 41 41 41)"]]);
  });
});

describe("ISO 9660 entries that are not plain files", () => {
  it("a Rock Ridge symbolic link is listed as one, not read as an empty file; a hard link is the file", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "root"));
    writeFileSync(join(dir, "root/a.ko"), prop);
    sh("ln root/a.ko root/h.ko && ln -s a.ko root/s.ko && xorriso -as mkisofs -R -quiet -o i.iso root", dir);
    expect((await seen(readFileSync(join(dir, "i.iso")))).members).toEqual([
      ["a.ko", mod("proprietary_gpl_use", prop)],
      ["h.ko", mod("proprietary_gpl_use", prop)],
      ["s.ko", "skipped: symbolic link, not followed"],
    ]);
  });
});

describe("cpio hard links", () => {
  it("every name of a hard-linked set has the set's bytes (newc stores them with the last name)", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "root"));
    writeFileSync(join(dir, "root/a.ko"), prop);
    sh(
      "ln root/a.ko root/b.ko && ln root/a.ko root/c.ko && find root | sort | cpio -o -H newc --quiet > out.cpio",
      dir,
    );
    expect((await seen(readFileSync(join(dir, "out.cpio")))).members).toEqual([
      ["root/a.ko", mod("proprietary_gpl_use", prop)],
      ["root/b.ko", mod("proprietary_gpl_use", prop)],
      ["root/c.ko", mod("proprietary_gpl_use", prop)],
    ]);
  });

  it("an empty name of a set after the one with the data is a link to it too", async () => {
    const r = await seen(
      Buffer.concat([
        cpioEntry("first.ko", prop, { ino: 5, nlink: 2 }),
        cpioEntry("second.ko", Buffer.alloc(0), { ino: 5, nlink: 2 }),
        cpioTrailer(),
      ]),
    );
    expect(r.members).toEqual([
      ["first.ko", mod("proprietary_gpl_use", prop)],
      ["second.ko", mod("proprietary_gpl_use", prop)],
    ]);
  });

  it("a set whose data never come is a set of empty files; other inodes are not joined to it", async () => {
    const r = await seen(
      Buffer.concat([
        cpioEntry("x.ko", Buffer.alloc(0), { ino: 7, nlink: 2 }),
        cpioEntry("y.ko", gpl, { ino: 8, nlink: 1 }),
        cpioEntry("s", Buffer.from("y.ko"), { ino: 9, mode: 0o120777 }),
        cpioTrailer(),
      ]),
    );
    expect(r.members).toEqual([
      ["s", "skipped: symbolic link, not followed"],
      ["x.ko", "skipped: empty file"],
      ["y.ko", mod("gpl_clean", gpl)],
    ]);
  });
});

describe("damage confined to what it damages", () => {
  it("cpio: the modules before a damaged header are kept, the damage an error with its offset", async () => {
    const good = Buffer.concat([cpioEntry("a.ko", gpl, { ino: 1 }), cpioEntry("b.ko", prop, { ino: 2 })]);
    const bad = cpioEntry("c.ko", gpl, { ino: 3, magic: "07X701" });
    const r = await seen(Buffer.concat([good, bad, cpioTrailer()]));
    expect(r.members).toEqual([
      ["a.ko", mod("gpl_clean", gpl)],
      ["b.ko", mod("proprietary_gpl_use", prop)],
    ]);
    expect(r.self).toBe(`error: cpio header: bad magic "07X701" (at offset ${good.length})`);
  });

  /** An ISO made by xorriso (Rock Ridge names), and where each directory record of it lies. */
  function iso(files: { [path: string]: Buffer }) {
    const dir = tmp();
    for (const [p, b] of Object.entries(files)) {
      mkdirSync(join(dir, "root", p, ".."), { recursive: true });
      writeFileSync(join(dir, "root", p), b);
    }
    sh("xorriso -as mkisofs -quiet -o i.iso root", dir);
    const image = readFileSync(join(dir, "i.iso"));
    const root = image.readUInt32LE(16 * 2048 + 156 + 2);
    /** The record named `name` (ISO name, without ";1") in the directory at `extent`. */
    const record = (extent: number, name: string) => {
      for (let at = extent * 2048; image[at] !== 0; at += image[at]!) {
        const n = image.toString("latin1", at + 33, at + 33 + image[at + 32]!).replace(/;1$/, "");
        if (n === name) return { at, extent: image.readUInt32LE(at + 2) };
      }
      throw new Error(`no record ${name}`);
    };
    return { image, root, record };
  }

  it("ISO 9660: a directory looping back to an ancestor is an error at its path; the rest is read", async () => {
    const { image, root, record } = iso({ "lib/a.ko": gpl, "sub/deep/b.ko": prop, "zz/c.ko": gpl });
    const sub = record(root, "SUB");
    const deep = record(sub.extent, "DEEP");
    // DEEP (which held b.ko) now points back at SUB: b.ko is gone from the tree, and the loop says so.
    image.writeUInt32LE(sub.extent, deep.at + 2);
    image.writeUInt32BE(sub.extent, deep.at + 6);
    const r = await seen(image);
    expect(r.members).toEqual([
      ["lib/a.ko", mod("gpl_clean", gpl)],
      ["sub/deep", expect.stringMatching(/^error: ISO 9660 directory: sub\/deep: a loop/)],
      ["zz/c.ko", mod("gpl_clean", gpl)],
    ]);
    const file = join(tmp(), "loop.iso");
    writeFileSync(file, image);
    // The scan fails (exit 2) instead of passing with the module hidden.
    expect((await scan([file], { threads: 1 })).errors.map((e) => e.path)).toEqual([`${file}!/sub/deep`]);
  });

  it("ISO 9660: a file whose extent runs past the end is its own error; the modules elsewhere are kept", async () => {
    const { image, root, record } = iso({ "a/x.ko": prop, "b.ko": gpl, "c.ko": gpl });
    image.writeUInt32LE(0x00ffffff, record(root, "B.KO").at + 2);
    const r = await seen(image);
    expect(r.members).toEqual([
      ["a/x.ko", mod("proprietary_gpl_use", prop)],
      ["b.ko", expect.stringMatching(/^error: ISO 9660 file: b.ko: .* run past the end of the image/)],
      ["c.ko", mod("gpl_clean", gpl)],
    ]);
  });

  it("ISO 9660: a damaged directory is an error at its path; its siblings are read", async () => {
    const { image, root, record } = iso({ "a/x.ko": prop, "b/y.ko": gpl });
    const a = record(root, "A");
    image[a.extent * 2048] = 20; // its first record, shorter than any record can be
    const r = await seen(image);
    expect(r.members).toEqual([
      ["a", expect.stringMatching(/^error: ISO 9660 directory record: record of 20 bytes/)],
      ["b/y.ko", mod("gpl_clean", gpl)],
    ]);
  });
});
