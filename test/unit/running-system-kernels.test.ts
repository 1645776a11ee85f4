import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { auditRunningSystem } from "../../src/engine/running-system.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
/** The samples' kernel, as their vermagic names it: the running one here. */
const RUNNING = /vermagic=(\S+) /.exec(readFileSync(join(SAMPLES, "proprietary_gpl_use.ko"), "latin1"))![1]!;
const PREVIOUS = "6.1.0-1-amd64";

/** A system with two kernels installed (the samples placed in each tree) and a removed one's leftovers. */
function twoKernels(): { root: string; proc: string } {
  const root = mkdtempSync(join(tmpdir(), "kmodaudit-kernels-"));
  const place = (release: string, sample: string, at: string) => {
    const file = join(root, "lib/modules", release, at);
    mkdirSync(dirname(file), { recursive: true });
    copyFileSync(join(SAMPLES, sample), file);
  };
  for (const release of [RUNNING, PREVIOUS]) {
    place(release, "gpl_clean.ko", "kernel/drivers/misc/gpl_clean.ko");
    place(release, "proprietary_gpl_use.ko", "kernel/drivers/misc/proprietary_gpl_use.ko");
  }
  place(RUNNING, "proprietary_gpl_use.ko", "updates/dkms/proprietary_gpl_use.ko");
  mkdirSync(join(root, "lib/modules", RUNNING, "build"));
  const symvers = gunzipSync(readFileSync(join(SAMPLES, `symvers-${RUNNING}.gz`)));
  writeFileSync(join(root, "lib/modules", RUNNING, "build/Module.symvers"), symvers);
  mkdirSync(join(root, "lib/modules/5.10.0-1-amd64"));
  writeFileSync(join(root, "lib/modules/5.10.0-1-amd64/modules.dep"), "");
  const proc = join(root, "proc");
  mkdirSync(join(proc, "sys/kernel"), { recursive: true });
  writeFileSync(join(proc, "modules"), "proprietary_gpl_use 16384 0 - Live 0x0000000000000000 (POE)\n");
  writeFileSync(join(proc, "sys/kernel/tainted"), "0\n");
  writeFileSync(join(proc, "sys/kernel/osrelease"), `${RUNNING}\n`);
  return { root, proc };
}

describe("the running system with several kernels installed", () => {
  it("audits each installed kernel on its own and marks the running one", async () => {
    const sys = twoKernels();
    const r = await auditRunningSystem({ root: sys.root, proc: sys.proc, threads: 1 });
    // The running kernel's kernel/ copy of proprietary_gpl_use is shadowed by its updates/dkms/ one.
    expect(r.kernels.map((k) => [k.release, k.running ?? false, k.modules])).toEqual([
      [PREVIOUS, false, 2],
      [RUNNING, true, 2],
    ]);
    const running = r.kernels.find((k) => k.release === RUNNING)!;
    expect(running.sources[0]!.file).toBe(join(sys.root, "lib/modules", RUNNING, "build/Module.symvers"));
    for (const m of r.modules) expect(m.path.startsWith(join(sys.root, "lib/modules", m.kernel!))).toBe(true);
    // What a removed kernel left behind is no kernel, and no path the audit was asked to judge.
    expect(r.notJudged.filter((n) => n.path?.includes("5.10.0-1-amd64"))).toEqual([]);
  });

  it("matches loaded modules to the running kernel's files only, preferring its updates/", async () => {
    const sys = twoKernels();
    const r = await auditRunningSystem({ root: sys.root, proc: sys.proc, threads: 1 });
    expect(r.running.loaded!.map((m) => m.path)).toEqual([
      join(sys.root, "lib/modules", RUNNING, "updates/dkms/proprietary_gpl_use.ko"),
    ]);
  });
});
