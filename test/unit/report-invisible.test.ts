import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

/*
 * "Trojan Source" in a module's strings: a right-to-left override (U+202E), a left-to-right isolate
 * (U+2066) and a zero-width space (U+200B) in its name and license. Every people-facing format must
 * show them as escapes rather than let them reorder or hide what the reader sees; JSON keeps the
 * exact string.
 */
const TRICKS = ["\u202e", "\u2066", "\u200b"];
const NAME = `evil${TRICKS.join("")}mod`;
/** The builder writes .modinfo as latin1: give it the UTF-8 bytes a real module holds. */
const utf8 = (s: string) => Buffer.from(s, "utf8").toString("latin1");

describe("characters that reorder or hide text", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kmodaudit-invisible-"));
    // A GPL-only import for a proprietary license: a finding, which every format reports.
    writeFileSync(
      join(dir, "Module.symvers"),
      "0x00000000\t_printk\tvmlinux\tEXPORT_SYMBOL\t\n0x00000000\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\t\n",
    );
    writeFileSync(
      join(dir, "evil.ko"),
      miniModule(64, "little", [utf8(`license=Proprietary${TRICKS.join("")}`), utf8(`name=${NAME}`)]).bytes,
    );
  });

  it.each(["table", "markdown", "sarif", "junit", "html"])("are escaped in --format %s", (format) => {
    const out = runCli(["scan", dir, "--all", "--format", format]).stdout;
    for (const c of TRICKS) expect(out.includes(c), `U+${c.charCodeAt(0).toString(16)}`).toBe(false);
    expect(out).toContain("\\u202e");
  });

  it("are kept as they are in JSON, which is for machines", () => {
    const json = JSON.parse(runCli(["scan", dir, "--format", "json"]).stdout);
    expect(json.modules[0].name).toBe(NAME);
  });
});
