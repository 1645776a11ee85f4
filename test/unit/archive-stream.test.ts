import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ArchiveKind, archiveMembers } from "../../src/bytes/archive.js";
import { ByteStream } from "../../src/bytes/byte-stream.js";
import { bufferSource } from "../../src/bytes/range-source.js";

/*
 * tar, cpio and ar are read as they stream past: a decoder's output arrives in chunks of any size,
 * and a member's header, name or data may be split anywhere. Every chunking must give the members
 * a reader over the whole archive in memory gives, with the same data and the same errors.
 */

/** A small tree with a long path (GNU/pax names), an empty file, an odd-sized one and a directory. */
function archive(build: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-archive-stream-"));
  const deep = join(dir, "root", "a-directory-name-long-enough-to-need".repeat(3), "gnu-or-pax-long-names");
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, "odd.bin"), Buffer.alloc(1001, 7));
  writeFileSync(join(dir, "root", "empty"), "");
  writeFileSync(join(dir, "root", "text"), "hello\n".repeat(300));
  execFileSync("bash", ["-c", build], { cwd: dir });
  return readFileSync(join(dir, "out"));
}

/** The bytes as a decoder would hand them on: `size`-byte chunks. */
async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < b.length; at += size) yield Buffer.from(b.subarray(at, at + size));
}

async function list(kind: ArchiveKind, s: ByteStream) {
  const out: [string, boolean, number, string][] = [];
  const it = archiveMembers(kind, s);
  for (let n = await it.next(); !n.done; n = await it.next()) {
    const m = n.value;
    // Every other member is taken, the rest passed over: the reader must stay in step either way.
    const data = out.length % 2 === 0 ? await m.data() : null;
    const hash = data
      ? createHash("sha256")
          .update(await data.read(0, data.size))
          .digest("hex")
      : "";
    out.push([m.name, m.regular, m.offset, hash]);
  }
  return out;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => "no error",
    (e: Error) => e.message,
  );

describe("archives read as they stream past", () => {
  const cases: [ArchiveKind, string][] = [
    ["tar", "tar --format=gnu -cf out root"],
    ["tar", "tar --format=pax -cf out root"],
    ["cpio", "find root | cpio -o -H newc --quiet > out"],
    ["ar", "ar qc out root/text root/empty && ar q out root/*/*/odd.bin"],
  ];

  it.each(cases)("%s (%s): every chunking gives the members of the whole archive", async (kind, build) => {
    const b = archive(build);
    const whole = await list(kind, ByteStream.ofSource(bufferSource(b)));
    expect(whole.filter(([, regular]) => regular).length).toBeGreaterThanOrEqual(3);
    for (const size of [1, 7, 512, 4096, b.length])
      expect(await list(kind, ByteStream.ofChunks(chunked(b, size))), `chunks of ${size}`).toEqual(whole);
  });

  it.each(cases)("%s (%s): cut short, gives the error the whole archive gives", async (kind, build) => {
    const full = archive(build);
    const odd = (await list(kind, ByteStream.ofSource(bufferSource(full)))).find(([name]) => name.endsWith("odd.bin"))!;
    // Inside the odd-sized member's data: its header read, its 1001 bytes not all there.
    const b = full.subarray(0, odd[2] + 600);
    const whole = await failure(list(kind, ByteStream.ofSource(bufferSource(b))));
    expect(whole).not.toBe("no error");
    for (const size of [1, 100, 4096])
      expect(await failure(list(kind, ByteStream.ofChunks(chunked(b, size)))), `chunks of ${size}`).toBe(whole);
  });
});
