import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { STREAM_FROM } from "../../src/kmod/inspect-input.js";

/*
 * A compressed package or image of STREAM_FROM bytes or more is decoded as its members are read
 * (kmod/inspect-input.ts). Whatever the compression and the archive, it must give what the same
 * files give scanned as a directory: the same modules, hashes and findings, every other file
 * accounted for, and damage reported at the archive with the members before it kept.
 */
const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const MODULES = ["gpl_clean.ko", "proprietary_gpl_use.ko", "nul_trick.ko", "vendor_glue.ko"];
const DIR = "lib/modules/6.1.0-56-amd64/kernel/drivers/misc";

/** A tree whose compressed archive passes STREAM_FROM: the modules, and firmware that does not compress. */
function tree() {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-streamed-"));
  mkdirSync(join(dir, "root", DIR), { recursive: true });
  // usr/ after lib/ in name order (the archives are made sorted): damage late in the stream comes
  // after the modules.
  mkdirSync(join(dir, "root", "usr/lib/firmware"), { recursive: true });
  MODULES.forEach((m, i) => copyFileSync(join(SAMPLES, m), join(dir, "root", DIR, `${i}-${m}`)));
  writeFileSync(join(dir, "root", "usr/lib/firmware", "z-blob.bin"), randomBytes(STREAM_FROM + (1 << 20)));
  return dir;
}

const sh = (cmd: string, cwd: string) => execFileSync("bash", ["-c", cmd], { cwd });
const options = { symvers: [join(SAMPLES, "symvers-6.1.0-56-amd64.gz")], threads: 1 };

async function view(path: string, strip: string) {
  const r = await scan([path], options);
  return {
    errors: r.errors.map((e) => [e.path.slice(strip.length), e.message]),
    modules: r.modules.map((m) => [m.path.slice(strip.length), m.facts.sha256, m.findings.map((f) => f.rule)]).sort(),
    skipped: r.skipped.map((s) => [s.path.slice(strip.length), s.reason]).sort(),
  };
}

describe("packages decoded as their members are read", () => {
  it.each([
    ["tar.xz", "tar --sort=name -C root -cJf out.pkg ."],
    ["tar.gz", "tar --sort=name -C root -czf out.pkg ."],
    ["tar.zst", "tar --sort=name -C root --zstd -cf out.pkg ."],
    ["tar.lzma (legacy .lzma)", "tar --sort=name -C root --lzma -cf out.pkg ."],
    ["cpio.xz (an initramfs)", "(cd root && find . | sort | cpio -o -H newc --quiet) | xz -T2 > out.pkg"],
    [
      "deb (ar holding data.tar.xz)",
      "tar --sort=name -C root -cJf data.tar.xz . && echo 2.0 > debian-binary && ar qc out.pkg debian-binary data.tar.xz",
    ],
  ])("%s gives what the directory gives", async (_what, build) => {
    const dir = tree();
    sh(build, dir);
    expect(statSync(join(dir, "out.pkg")).size).toBeGreaterThanOrEqual(STREAM_FROM);
    const pkg = await view(join(dir, "out.pkg"), `${join(dir, "out.pkg")}!/`);
    // The package's own files aside (a .deb's debian-binary), its paths are the directory's.
    const strip = (v: typeof pkg) =>
      JSON.parse(
        JSON.stringify({ ...v, skipped: v.skipped.filter(([p]) => p !== "debian-binary") })
          .replaceAll("data.tar.xz!/", "")
          .replaceAll("./", ""),
      );
    const root = await view(join(dir, "root"), "");
    expect(pkg.errors).toEqual([]);
    expect(pkg.modules).toHaveLength(MODULES.length);
    expect(strip(pkg)).toEqual(strip(root));
  });

  it("reports damage at the archive, keeping the members read before it", async () => {
    const dir = tree();
    sh("tar --sort=name -C root -cJf out.pkg .", dir);
    const file = join(dir, "out.pkg");
    const bytes = readFileSync(file);
    // Damage three quarters in: inside the firmware, after every module.
    for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length * 0.75) + i] ^= 0xff;
    writeFileSync(file, bytes);
    const r = await scan([file], options);
    expect(r.modules).toHaveLength(MODULES.length);
    expect(r.errors.map((e) => e.path)).toEqual([file]);
    expect(r.errors[0]!.message).toMatch(/corrupt|xz/i);
  });

  it("stops a package that decodes past --max-decompressed as it decodes, keeping the members before", async () => {
    const dir = tree();
    // After the modules and the firmware: 96 MiB of zeros, past a 64 MiB limit. gzip declares no size
    // up front (an xz index does, and is refused before a byte is decoded).
    writeFileSync(join(dir, "root", "usr/lib/firmware", "zz-zeros.bin"), Buffer.alloc(96 << 20));
    sh("tar --sort=name -C root -czf out.pkg .", dir);
    const file = join(dir, "out.pkg");
    const r = await scan([file], { ...options, limits: { maxDecompressedBytes: 64 << 20 } });
    expect(r.modules).toHaveLength(MODULES.length);
    expect(r.errors.map((e) => [e.path, e.message])).toEqual([[file, expect.stringMatching(/--max-decompressed/)]]);
  });
});
