import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { runCliJson } from "../helpers/cli.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { listFiles } from "../helpers/tools.js";

const HOSTILE = fileURLToPath(new URL("../hostile/files", import.meta.url));

describe.skipIf(skipCorpus)("a real module tree with damaged files mixed in", () => {
  it("reads every intact module as before, reports every damaged file once, and exits 2", async () => {
    const set = corpusSet("amd64");
    const all = await listFiles(set.modules, "*.ko");
    const picked = all.filter((_f, i) => i % 10 === 0);
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-damaged-"));
    for (const f of picked) {
      const to = join(dir, relative(set.modules, f));
      mkdirSync(join(to, ".."), { recursive: true });
      copyFileSync(f, to);
    }
    // Damage: truncated copies, headers overwritten, a corrupt .ko.xz, and the hostile corpus.
    const damaged = join(dir, "damaged");
    mkdirSync(damaged);
    picked.slice(0, 40).forEach((f, i) => {
      const b = readFileSync(f);
      writeFileSync(join(damaged, `cut-${i}-${basename(f)}`), b.subarray(0, Math.floor((b.length * (i + 1)) / 42)));
      const h = Buffer.from(b);
      h.fill(0xff, 32, 64);
      writeFileSync(join(damaged, `header-${i}-${basename(f)}`), h);
    });
    const xz = execFileSync("xz", ["-c"], { input: readFileSync(picked[0]!) });
    xz.fill(0, 100, 200);
    writeFileSync(join(damaged, "corrupt.ko.xz"), xz);
    cpSync(HOSTILE, join(dir, "hostile"), { recursive: true });

    const before = await scan(picked, { symvers: [set.symvers], threads: 1 });
    const { status, json } = runCliJson(["scan", dir, "--symvers", set.symvers]);
    expect(status).toBe(2);
    const files = await listFiles(dir, "*");
    // An archive is seen through what became of its members (its damage may be one member's error).
    const seen = new Set(
      [...json.modules, ...json.skipped, ...json.errors].map((x: { path: string }) => x.path.split("!/")[0]!),
    );
    expect([...seen].sort()).toEqual(files.map((f) => relative(dir, f)).sort());
    expect(json.summary.files).toBe(files.length);
    // Intact modules: the same facts as when read on their own.
    const byName = new Map(
      json.modules.map((m: { path: string; licenses: string[]; imports: number }) => [basename(m.path), m]),
    );
    for (const m of before.modules) {
      const again = byName.get(basename(m.path)) as { licenses: string[]; imports: number } | undefined;
      expect([m.path, again?.licenses, again?.imports]).toEqual([m.path, m.facts.licenses, m.facts.imports.length]);
    }
    expect(
      json.errors.filter((e: { path: string }) => !e.path.startsWith("damaged/") && !e.path.startsWith("hostile/")),
    ).toEqual([]);
    expect(json.errors.filter((e: { path: string }) => e.path.startsWith("damaged/")).length).toBeGreaterThan(40);
    for (const e of json.errors) expect(e.message).not.toMatch(/internal error/);
  }, 300_000);
});
