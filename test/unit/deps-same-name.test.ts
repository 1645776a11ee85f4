import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dependencyView, findModule, type ScanResult, scan } from "../../src/index.js";
import { renderDepsDot, renderDepsMermaid, renderDepsTable } from "../../src/report/deps.js";

/*
 * The same module file twice in one kernel, as a tree and its initramfs hold it: samples/ and a copy
 * of its shim/ scenario scanned together. gpl_shim is then needed by two proprietary_shim_user and
 * two proprietary_plain_user, and the deps reports tell each pair apart by path.
 */

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const USERS = ["proprietary_plain_user", "proprietary_shim_user"];

let copy: string;
let twice: ScanResult;
let once: ScanResult;

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), "kmodaudit-deps-same-name-"));
  cpSync(join(SAMPLES, "shim"), join(copy, "shim"), { recursive: true });
  twice = await scan([SAMPLES, copy]);
  once = await scan([SAMPLES]);
}, 60_000);

afterAll(() => rmSync(copy, { recursive: true, force: true }));

const reverse = (result: ScanResult) => dependencyView(result, findModule(result, "gpl_shim")!, "dependents");
/** The paths of the module `name` in the scan. */
const pathsOf = (result: ScanResult, name: string) => result.modules.filter((m) => m.name === name).map((m) => m.path);

describe("deps when two modules of a view share a name", () => {
  it("lists each of them with its path in the text", () => {
    const head = renderDepsTable(reverse(twice), { width: 400 }).split("\n")[0]!;
    expect(head).toMatch(/^gpl_shim is needed by 4 modules: /);
    for (const name of USERS) {
      expect(pathsOf(twice, name)).toHaveLength(2);
      for (const path of pathsOf(twice, name)) expect(head).toContain(`${name} (${path})`);
    }
  });

  it("gives each of them its path in the table's rows", () => {
    const rows = renderDepsTable(reverse(twice), { width: 400 })
      .split("\n")
      .filter((l) => l.includes("│ gpl_shim "));
    for (const name of USERS)
      for (const path of pathsOf(twice, name))
        expect(rows.filter((r) => r.includes(`${name} (${path})`))).toHaveLength(1);
  });

  it("labels each of their Graphviz and Mermaid boxes with its path", () => {
    const dot = renderDepsDot(reverse(twice));
    const mermaid = renderDepsMermaid(reverse(twice));
    for (const name of USERS) {
      for (const path of pathsOf(twice, name)) {
        expect(dot).toContain(`label="${name}\\n${path}\\nProprietary"`);
        expect(mermaid).toContain(`["${name}<br/>${path}<br/>Proprietary"]`);
      }
    }
  });

  it("names a module alone in its name without a path", () => {
    const text = renderDepsTable(reverse(once), { width: 400 });
    expect(text.split("\n")[0]).toBe(`gpl_shim is needed by 2 modules: ${USERS.join(", ")}`);
    expect(renderDepsDot(reverse(once))).toContain(`label="${USERS[0]}\\nProprietary"`);
  });
});
