import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const CONFIG = fileURLToPath(new URL("../fixtures/config-6.1-initramfs", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name));
}

/*
 * A real initramfs, made by initramfs-tools' mkinitramfs (as Debian makes every initrd.img) from a
 * module tree installed for a throwaway kernel release, compared with what initramfs-tools' own
 * unmkinitramfs extracts from it. mkinitramfs reads /lib/modules/<release> and /boot/config-<release>,
 * so this test needs root (CI runs as root) and removes both afterwards.
 */
describe("an initramfs made by mkinitramfs", () => {
  it("holds the same modules, byte for byte, as unmkinitramfs extracts", async () => {
    expect(process.getuid?.(), "mkinitramfs reads /lib/modules and /boot: run the tests as root").toBe(0);
    const release = `6.1.0-kmodaudit-${process.pid}`;
    const tree = `/lib/modules/${release}`;
    const work = mkdtempSync(join(tmpdir(), "kmodaudit-irt-"));
    try {
      mkdirSync(join(tree, "kernel/drivers/misc"), { recursive: true });
      for (const m of ["gpl_clean.ko", "proprietary_gpl_use.ko"])
        cpSync(join(SAMPLES, m), join(tree, "kernel/drivers/misc", m));
      execFileSync("depmod", ["-a", release], { stdio: "ignore" });
      cpSync(CONFIG, `/boot/config-${release}`);
      const conf = join(work, "conf");
      cpSync("/etc/initramfs-tools", conf, { recursive: true });
      writeFileSync(join(conf, "modules"), "gpl_clean\nproprietary_gpl_use\n");
      writeFileSync(
        join(conf, "initramfs.conf"),
        readFileSync(join(conf, "initramfs.conf"), "utf8")
          .replace(/^MODULES=.*/m, "MODULES=list")
          .replace(/^COMPRESS=.*/m, "COMPRESS=zstd"),
      );
      const img = join(work, "initrd.img");
      execFileSync("mkinitramfs", ["-d", conf, "-o", img, release], { stdio: "ignore" });
      execFileSync("unmkinitramfs", [img, join(work, "x")], { stdio: "ignore" });

      const extracted = files(join(work, "x"))
        .filter((f) => f.endsWith(".ko"))
        .map((f) => [relative(join(work, "x"), f), createHash("sha256").update(readFileSync(f)).digest("hex")])
        .sort();
      const r = await scan([img], { symvers: [join(SAMPLES, "symvers-6.1.0-56-amd64.gz")], threads: 1 });
      expect(r.errors).toEqual([]);
      expect(extracted.length).toBe(2);
      // unmkinitramfs puts the main archive's files at the top of its output directory
      expect(r.modules.map((m) => [m.path.slice(img.length + 2), m.facts.sha256]).sort()).toEqual(extracted);
      expect(r.modules.find((m) => m.path.endsWith("proprietary_gpl_use.ko"))!.findings.map((f) => f.rule)).toEqual([
        "gpl-only-symbol-use",
      ]);
    } finally {
      rmSync(tree, { recursive: true, force: true });
      rmSync(`/boot/config-${release}`, { force: true });
    }
  }, 120_000);
});
