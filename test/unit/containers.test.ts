import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { runCliJson } from "../helpers/cli.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const MODULES = ["gpl_clean.ko", "proprietary_gpl_use.ko", "nul_trick.ko"];
const LONG_DIR = "lib/modules/6.1.0-56-amd64/kernel/drivers/a-directory-name-long-enough-to-need/gnu-or-pax-long-names";

/** A tree like an installed kernel's, built with real tools into archives of every kind. */
function tree() {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-ctr-"));
  const root = join(dir, "root");
  mkdirSync(join(root, LONG_DIR), { recursive: true });
  for (const m of MODULES) copyFileSync(join(SAMPLES, m), join(root, LONG_DIR, m));
  writeFileSync(join(root, "lib/modules/6.1.0-56-amd64/modules.order"), MODULES.join("\n"));
  copyFileSync(join(SAMPLES, "symvers-6.1.0-56-amd64.gz"), join(dir, "symvers-6.1.0-56-amd64.gz"));
  return { dir, root, symvers: join(dir, "symvers-6.1.0-56-amd64.gz") };
}
const sh = (cmd: string, cwd: string) => execFileSync("bash", ["-c", cmd], { cwd });

async function found(file: string, symvers: string) {
  const r = await scan([file], { symvers: [symvers], threads: 1 });
  return {
    errors: r.errors,
    modules: r.modules.map((m) => [m.path.slice(file.length), m.findings.map((f) => f.rule).sort()]),
    skippedMembers: r.skipped.filter((s) => s.member).length,
  };
}

const expected = (prefix: string) =>
  MODULES.map((m) => [
    `${prefix}${LONG_DIR}/${m}`,
    m === "gpl_clean.ko" ? [] : m === "nul_trick.ko" ? ["suspicious-license-string"] : ["gpl-only-symbol-use"],
  ]).sort();

describe("modules inside archives, found by content", () => {
  it.each([
    ["tar (GNU, long names)", "tar --format=gnu -cf out root", "!/"],
    ["tar (pax)", "tar --format=pax -cf out root", "!/"],
    ["tar (ustar prefix field)", "tar --format=ustar -cf out root", "!/"],
    ["tar.gz", "tar -czf out root", "!/"],
    ["tar.xz", "tar -cJf out root", "!/"],
    ["tar.zst", "tar --zstd -cf out root", "!/"],
    ["tar.bz2", "tar -cjf out root", "!/"],
    ["cpio newc", "find root | cpio -o -H newc --quiet > out", "!/"],
    ["cpio crc, gzip'd", "find root | cpio -o -H crc --quiet | gzip > out", "!/"],
  ])("%s", async (_what, build, sep) => {
    const t = tree();
    sh(build, t.dir);
    const r = await found(join(t.dir, "out"), t.symvers);
    expect(r.errors).toEqual([]);
    expect(r.modules.sort()).toEqual(expected(`${sep}root/`));
    expect(r.skippedMembers).toBe(1); // modules.order
  });

  it("an initramfs: an uncompressed early cpio archive followed by a compressed main one", async () => {
    const t = tree();
    mkdirSync(join(t.dir, "early/kernel/x86/microcode"), { recursive: true });
    writeFileSync(join(t.dir, "early/kernel/x86/microcode/GenuineIntel.bin"), Buffer.alloc(1000, 7));
    sh(
      "(cd early && find . | cpio -o -H newc --quiet) > initrd.img && (cd root && find . | cpio -o -H newc --quiet | zstd -q) >> initrd.img",
      t.dir,
    );
    const r = await found(join(t.dir, "initrd.img"), t.symvers);
    expect(r.errors).toEqual([]);
    expect(r.modules.sort()).toEqual(expected("!/"));
    expect(r.skippedMembers).toBe(2); // the microcode and modules.order
  });

  it("a Debian package: ar, then data.tar.xz, each step in the path", async () => {
    const t = tree();
    mkdirSync(join(t.root, "DEBIAN"));
    writeFileSync(
      join(t.root, "DEBIAN/control"),
      "Package: kmodaudit-test\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@example.org>\nDescription: test\n",
    );
    sh("dpkg-deb -Zxz --build root pkg.deb >/dev/null", t.dir);
    const r = await found(join(t.dir, "pkg.deb"), t.symvers);
    expect(r.errors).toEqual([]);
    expect(r.modules.sort()).toEqual(expected("!/data.tar.xz!/"));
  });

  it("an RPM package built by rpmbuild: lead, headers, then the compressed cpio payload", async () => {
    const t = tree();
    const spec = `Name: kmodaudit-test\nVersion: 1\nRelease: 1\nSummary: t\nLicense: GPL\nBuildArch: noarch\n%description\nt\n%install\ncp -a ${t.root}/lib %{buildroot}/\n%files\n/lib\n`;
    writeFileSync(join(t.dir, "t.spec"), spec);
    sh(
      `rpmbuild -bb --quiet --define "_topdir ${t.dir}/rpm" --define "__os_install_post %{nil}" --define "_build_id_links none" t.spec >/dev/null 2>&1`,
      t.dir,
    );
    const rpm = join(t.dir, "rpm/RPMS/noarch/kmodaudit-test-1-1.noarch.rpm");
    const r = await found(rpm, t.symvers);
    expect(r.errors).toEqual([]);
    expect(r.modules.sort()).toEqual(expected("!/"));
  });

  it.each([
    ["Rock Ridge", "-R"],
    ["Joliet only", "-J"],
    ["Rock Ridge and Joliet", "-R -J"],
  ])("an ISO 9660 image made by xorriso (%s), read without mounting", async (_what, flags) => {
    const t = tree();
    sh(
      `tar -czf root/lib/modules/6.1.0-56-amd64/bundle.tgz -C root lib/modules/6.1.0-56-amd64/kernel && xorriso -as mkisofs ${flags} -quiet -o image.iso root`,
      t.dir,
    );
    const r = await found(join(t.dir, "image.iso"), t.symvers);
    expect(r.errors).toEqual([]);
    // Joliet names are cut at 64 characters, so compare module file names there
    const names = r.modules.map(([p]) => String(p).split("/").pop()).sort();
    expect(names).toEqual([...MODULES, ...MODULES].sort());
    if (flags.includes("-R")) expect(r.modules.map(([p]) => p)).toContainEqual(`!/${LONG_DIR}/gpl_clean.ko`);
    expect(r.modules.map(([p]) => p)).toContainEqual(
      `!/lib/modules/6.1.0-56-amd64/bundle.tgz!/${LONG_DIR}/gpl_clean.ko`,
    );
  });

  it("members that are not modules are counted, and listed only with --list-skipped", () => {
    const t = tree();
    sh("tar -czf out.tgz root", t.dir);
    const plain = runCliJson(["scan", join(t.dir, "out.tgz"), "--symvers", t.symvers]);
    expect(plain.json.skipped).toEqual([]);
    expect(plain.json.summary).toMatchObject({ files: 4, modules: 3, skipped: 1 });
    const listed = runCliJson(["scan", join(t.dir, "out.tgz"), "--symvers", t.symvers, "--list-skipped"]);
    expect(listed.json.skipped).toEqual([
      {
        path: `${join(t.dir, "out.tgz")}!/root/lib/modules/6.1.0-56-amd64/modules.order`,
        reason: expect.stringMatching(/^not ELF/),
      },
    ]);
  });

  it("a damaged archive is an error at its own path; the members read before the damage stay", async () => {
    const t = tree();
    sh("tar --format=ustar -cf out root", t.dir);
    const whole = readFileSync(join(t.dir, "out"));
    const members = sh("tar -tf out", t.dir)
      .toString()
      .split("\n")
      .filter((p) => p.endsWith(".ko"));
    // ustar keeps the file name in the header block itself: the block holding it is the header
    const headerOfLast = Math.floor(whole.lastIndexOf(Buffer.from(basename(members.at(-1)!))) / 512) * 512;
    const cut = Buffer.from(whole);
    cut.fill(0x41, headerOfLast + 148, headerOfLast + 156); // break that member's header checksum
    writeFileSync(join(t.dir, "bad.tar"), cut);
    const r = await scan([join(t.dir, "bad.tar")], { symvers: [t.symvers], threads: 1 });
    expect(r.errors.map((e) => [e.path, e.structure])).toEqual([[join(t.dir, "bad.tar"), "tar header"]]);
    const ahead = members.slice(0, -1).map((p) => `${join(t.dir, "bad.tar")}!/${p}`);
    expect(r.modules.map((m) => m.path).sort()).toEqual(ahead.sort());
  });

  it("--max-members and --max-container-depth stop a hostile archive with a clear error", async () => {
    const t = tree();
    sh("tar -cf inner.tar root && tar -cf outer.tar inner.tar", t.dir);
    const members = await scan([join(t.dir, "outer.tar")], {
      symvers: [t.symvers],
      threads: 1,
      limits: { maxMembers: 2 },
    });
    expect(members.errors[0]!.message).toMatch(/more than 2 members \(--max-members\)/);
    const depth = await scan([join(t.dir, "outer.tar")], {
      symvers: [t.symvers],
      threads: 1,
      limits: { maxContainerDepth: 1 },
    });
    expect(depth.errors).toEqual([
      {
        path: `${join(t.dir, "outer.tar")}!/inner.tar`,
        message: "tar archive nested more than 1 deep (--max-container-depth)",
      },
    ]);
  });
});

describe("VMware ESXi payloads", () => {
  it("a VIB (ar + gzip'd vmtar payload) holding VMkernel modules, each with its provenance chain", async () => {
    const { writeVib } = await import("../helpers/vmtar.mjs");
    const dir = fileURLToPath(new URL("../../samples/vmkernel", import.meta.url));
    const files = ["vmk_gpl_lib.o", "vmk_vendor_driver.o"].map((f) => ({
      name: `usr/lib/vmware/vmkmod/${f.replace(/\.o$/, "")}`,
      data: readFileSync(join(dir, f)),
    }));
    const vib = writeVib("drv", [{ name: "drv", files }]);
    const r = await scan([vib], { threads: 1 });
    expect(r.errors).toEqual([]);
    expect(r.modules.map((m) => [m.path.slice(vib.length), m.facts.dialect])).toEqual([
      ["!/drv!/usr/lib/vmware/vmkmod/vmk_gpl_lib", "vmkernel"],
      ["!/drv!/usr/lib/vmware/vmkmod/vmk_vendor_driver", "vmkernel"],
    ]);
    expect(r.modules[1]!.findings.map((f) => f.rule)).toEqual(["vmk-binds-gpl-module"]);
    expect(r.skipped.filter((s) => s.member).map((s) => s.path.slice(vib.length))).toEqual([
      "!/descriptor.xml",
      "!/sig.pkcs7",
    ]);
  });
});

describe("an extracted ESXi installer and its ISO image", () => {
  it("find the same VMkernel modules with the same findings (boot.cfg, .v00 payloads, a VIB)", async () => {
    const { writeVib, writeVmtar } = await import("../helpers/vmtar.mjs");
    const dir = fileURLToPath(new URL("../../samples/vmkernel", import.meta.url));
    const mod = (f: string) => ({
      name: `usr/lib/vmware/vmkmod/${f.replace(/\.o$/, "")}`,
      data: readFileSync(join(dir, f)),
    });
    const root = mkdtempSync(join(tmpdir(), "kmodaudit-esxi-"));
    const cd = join(root, "cd");
    mkdirSync(join(cd, "vibs"), { recursive: true });
    writeFileSync(
      join(cd, "boot.cfg"),
      "bootstate=0\ntitle=Loading ESXi installer\nkernel=/b.b00\nmodules=/s.v00 --- /drv.v00\n",
    );
    writeFileSync(join(cd, "s.v00"), gzipSync(writeVmtar([mod("vmk_gpl_lib.o"), mod("vmk_vendor_lib.o")])));
    writeFileSync(join(cd, "drv.v00"), gzipSync(writeVmtar([mod("vmk_vendor_driver.o")])));
    copyFileSync(
      writeVib("gpldrv", [{ name: "gpldrv", files: [mod("vmk_gpl_driver.o")] }]),
      join(cd, "vibs/gpldrv.vib"),
    );
    sh("xorriso -as mkisofs -R -J -quiet -o esxi.iso cd", root);
    const view = (r: Awaited<ReturnType<typeof scan>>, strip: string) =>
      r.modules.map((m) => [m.path.slice(strip.length), m.facts.dialect, m.findings.map((f) => f.rule)]).sort();
    const [image, tree] = [await scan([join(root, "esxi.iso")], { threads: 1 }), await scan([cd], { threads: 1 })];
    expect(image.errors).toEqual([]);
    expect(view(image, `${join(root, "esxi.iso")}!/`)).toEqual(view(tree, ""));
    expect(view(tree, "")).toContainEqual([
      "drv.v00!/usr/lib/vmware/vmkmod/vmk_vendor_driver",
      "vmkernel",
      ["vmk-binds-gpl-module"],
    ]);
    expect(view(tree, "")).toContainEqual([
      "vibs/gpldrv.vib!/gpldrv!/usr/lib/vmware/vmkmod/vmk_gpl_driver",
      "vmkernel",
      [],
    ]);
  });
});
