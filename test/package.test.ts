import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("the npm package", () => {
  it("packs, installs into an empty project, and runs both as a CLI and as a library", () => {
    const work = mkdtempSync(join(tmpdir(), "kmodaudit-pack-"));
    const npm = (args: string[], cwd: string) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8" });
    // --ignore-scripts: dist/ is already built (npm test builds it), and rebuilding it here would
    // rewrite files under other tests that are running the CLI at the same moment.
    const tarball = npm(["pack", "--ignore-scripts", "--pack-destination", work], ROOT).trim().split("\n").pop()!;
    const app = join(work, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", type: "module" }));
    npm(["install", join(work, tarball)], app);

    let status = 0;
    let stdout = "";
    try {
      stdout = execFileSync(join(app, "node_modules/.bin/kmodaudit"), ["scan", join(ROOT, "samples"), "--format", "json"], { encoding: "utf8", maxBuffer: 1 << 28 });
    } catch (e) {
      const err = e as { status: number; stdout: string };
      status = err.status;
      stdout = err.stdout;
    }
    expect(status).toBe(1); // the samples have findings
    expect(JSON.parse(stdout).summary.modules).toBeGreaterThanOrEqual(8);

    writeFileSync(join(app, "use.mjs"), `import { scan } from "kmodaudit";\nconst r = await scan([${JSON.stringify(join(ROOT, "samples/gpl_clean.ko"))}]);\nconsole.log(r.modules[0].name);\n`);
    expect(execFileSync("node", ["use.mjs"], { cwd: app, encoding: "utf8" }).trim()).toBe("gpl_clean");
  }, 180_000);
});
