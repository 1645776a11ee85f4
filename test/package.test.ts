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

    // The types ship too: a TypeScript user's code (with Node's types, as any Node project has)
    // type-checks against the installed package, declarations included, and a misuse does not.
    const compilerOptions = { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, typeRoots: [join(ROOT, "node_modules/@types")], types: ["node"] };
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
    writeFileSync(
      join(app, "use.ts"),
      `import { scan, renderSarif, type ScanResult, type Finding } from "kmodaudit";\nconst r: ScanResult = await scan(["x.ko"], { threads: 1 });\nconst f: Finding[] = r.modules.flatMap((m) => m.findings);\nconst sarif: string = renderSarif(r, {});\nexport { f, sarif };\n`,
    );
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    execFileSync("node", [tsc, "-p", app], { encoding: "utf8" });
    writeFileSync(join(app, "use.ts"), `import { scan } from "kmodaudit";\nconst n: number = await scan(["x.ko"]);\nexport { n };\n`);
    let complaint = "";
    try {
      execFileSync("node", [tsc, "-p", app], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      complaint = (e as { stdout: string }).stdout;
    }
    expect(complaint).toMatch(/Type 'ScanResult' is not assignable to type 'number'/);
  }, 180_000);
});
