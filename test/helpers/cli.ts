import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { assertReportMatchesSchema } from "./report-schema.js";

export const BIN = fileURLToPath(new URL("../../bin/kmodaudit", import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (npm test builds dist/ first), with no terminal attached, in `cwd` if given. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The commands whose JSON report schema/kmodaudit-report.schema.json describes. */
const REPORT_COMMANDS = new Set(["scan", "upgrade", "system"]);

/** Runs a command with --format json and parses its output; a report of scan, upgrade or system must match the schema. */
export function runCliJson(args: readonly string[]) {
  const r = runCli([...args, "--format", "json"]);
  const json = JSON.parse(r.stdout);
  if (REPORT_COMMANDS.has(args[0] ?? "")) assertReportMatchesSchema(json, `kmodaudit ${args.join(" ")}`);
  return { ...r, json };
}
