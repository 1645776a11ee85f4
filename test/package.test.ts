import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * The tarball `npm pack` makes is what users install. It is installed into empty projects with
 * the machine's npm, with npm 10 (Node 20's own) and with the newest npm 11 (which lists every
 * dependency install script a project has not reviewed), and once with install scripts off, as
 * npm 12 installs bundled dependencies; then it is run from there.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SAMPLES = join(ROOT, "samples");

const NPMS = [
  ["the machine's npm", "machine"],
  ["npm 10 (Node 20's own)", "10"],
  ["the newest npm 11", "11"],
] as const;
type NpmKey = (typeof NPMS)[number][1];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// npm run and npx pass their own configuration to children as npm_config_* variables (the npm
// under test would read it, and npm 11.21 warns about keys it does not know): children get none.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
// No audit or funding requests, and no notice that a newer npm exists (the one under test rarely is).
const QUIET = ["--no-audit", "--no-fund", "--no-update-notifier"];

function run(argv: readonly string[], cwd: string): Run {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, env: ENV, encoding: "utf8", maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stderr without npm's complaints about this machine's own npmrc, which are not the package's. */
function complaints(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line !== "" && !/^npm warn Unknown \w+ config /.test(line));
}

const work = mkdtempSync(join(tmpdir(), "kmodaudit-pack-"));
const npmArgv = {} as Record<NpmKey, string[]>;
const installs = {} as Record<NpmKey, Run>;
const app = (name: string) => join(work, `app-${name}`);
let tarball = "";

function installInto(dir: string, npm: readonly string[], extra: readonly string[] = []): Run {
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", type: "module" }));
  return run([...npm, "install", ...QUIET, ...extra, tarball], dir);
}

beforeAll(() => {
  // --ignore-scripts: dist/ is already built (npm test builds it), and prepack's clean rebuild here
  // would pull files from under other tests that are running the CLI at the same moment.
  const pack = run(["npm", "pack", "--ignore-scripts", ...QUIET, "--pack-destination", work], ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  tarball = join(work, pack.stdout.trim().split("\n").pop()!);

  npmArgv.machine = ["npm"];
  for (const major of ["10", "11"] as const) {
    const prefix = join(work, `npm-${major}`);
    const got = run(["npm", "install", ...QUIET, "--prefix", prefix, `npm@${major}`], work);
    expect(got.status, got.stderr).toBe(0);
    npmArgv[major] = [process.execPath, join(prefix, "node_modules/npm/bin/npm-cli.js")];
  }
  for (const [, key] of NPMS) installs[key] = installInto(app(key), npmArgv[key]);
  const noScripts = installInto(app("no-scripts"), npmArgv["11"], ["--ignore-scripts"]);
  expect(noScripts.status, noScripts.stderr).toBe(0);
});

// Four installs of a 39 MB package and two npms: not left behind in /tmp.
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the packed tarball", () => {
  it.each(NPMS)("installs into an empty project with %s, no warning or error printed", (_, key) => {
    const { status, stderr } = installs[key];
    expect(status, stderr).toBe(0);
    expect(complaints(stderr)).toEqual([]);
  });

  it("runs as a CLI from the install", () => {
    const r = run([join(app("11"), "node_modules/.bin/kmodaudit"), "scan", SAMPLES, "--format", "json"], app("11"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1); // the samples have findings
    expect(JSON.parse(r.stdout).summary.modules).toBeGreaterThanOrEqual(8);
  });

  it("runs as a library from the install", () => {
    writeFileSync(
      join(app("11"), "use.mjs"),
      `import { scan } from "kmodaudit";\nconst r = await scan([${JSON.stringify(join(SAMPLES, "gpl_clean.ko"))}]);\nconsole.log(r.modules[0].name);\n`,
    );
    expect(execFileSync(process.execPath, ["use.mjs"], { cwd: app("11"), encoding: "utf8" }).trim()).toBe("gpl_clean");
  });

  it("ships the MIT license its package.json names", () => {
    const pkg = join(app("11"), "node_modules/kmodaudit");
    expect(JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).license).toBe("MIT");
    expect(readFileSync(join(pkg, "LICENSE"), "utf8")).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} the kmodaudit authors\n/,
    );
  });

  it("loads its native dependencies (koffi, lzma-native) although no install script ran", () => {
    const probe = `const need = require("node:module").createRequire(process.argv[1]);\nconsole.log(typeof need("koffi").load, need("lzma-native").versionString());`;
    const out = execFileSync(
      process.execPath,
      ["-e", probe, join(app("no-scripts"), "node_modules/kmodaudit/package.json")],
      { encoding: "utf8" },
    );
    expect(out.trim()).toMatch(/^function \d+\.\d+\.\d+/);
  });

  it("reads an xz-compressed module although no install script ran", () => {
    const xz = join(work, "gpl_clean.ko.xz");
    // As Kbuild compresses modules (CONFIG_MODULE_COMPRESS_XZ).
    writeFileSync(xz, execFileSync("xz", ["--check=crc32", "--lzma2=dict=1MiB", "-c", join(SAMPLES, "gpl_clean.ko")]));
    const r = run(
      [join(app("no-scripts"), "node_modules/.bin/kmodaudit"), "scan", xz, "--format", "json"],
      app("no-scripts"),
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).modules.map((m: { name: string }) => m.name)).toEqual(["gpl_clean"]);
  });

  // The types ship too: a TypeScript user's code (with Node's types, as any Node project has)
  // type-checks against the installed package, declarations included, and a misuse does not.
  const tsc = (source: string) => {
    const dir = app("11");
    const compilerOptions = {
      module: "NodeNext",
      moduleResolution: "NodeNext",
      target: "ES2022",
      strict: true,
      noEmit: true,
      typeRoots: [join(ROOT, "node_modules/@types")],
      types: ["node"],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
    writeFileSync(join(dir, "use.ts"), source);
    return run([process.execPath, join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], dir);
  };

  it("type-checks a TypeScript user's code against the shipped declarations", () => {
    const r = tsc(
      `import { scan, renderSarif, type ScanResult, type Finding } from "kmodaudit";\nconst r: ScanResult = await scan(["x.ko"], { threads: 1 });\nconst f: Finding[] = r.modules.flatMap((m) => m.findings);\nconst sarif: string = renderSarif(r, {});\nexport { f, sarif };\n`,
    );
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  it("rejects a misuse through the shipped declarations", () => {
    const r = tsc(`import { scan } from "kmodaudit";\nconst n: number = await scan(["x.ko"]);\nexport { n };\n`);
    expect(r.stdout).toMatch(/Type 'ScanResult' is not assignable to type 'number'/);
  });
});
