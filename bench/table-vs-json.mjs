#!/usr/bin/env node
// The table report against the JSON report of the same scan, piped (no terminal, so no colour, as
// in CI logs). The table should cost at most 1.2× the JSON, however long the findings (issue #16:
// cli-table3 given whole multi-line cells made it take minutes; src/report/cli-table.ts gives it
// one line per cell). Each format runs RUNS times (KMODAUDIT_BENCH_RUNS, default 3);
// medians, and their ratio. A run is stopped after KMODAUDIT_BENCH_TIMEOUT seconds (default 600).
// KMODAUDIT_BIN names the CLI to measure (default bin/kmodaudit), e.g. a build of an older commit.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { miniModule } from "../test/helpers/elf-builder.mjs";
import { benchRuns, BIN as OUR_BIN, CORPUS, median } from "./common.mjs";

const RUNS = benchRuns(3);
const TIMEOUT_S = Number(process.env.KMODAUDIT_BENCH_TIMEOUT ?? 600);
const BIN = process.env.KMODAUDIT_BIN ?? OUR_BIN;

const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;

/** Median wall time of `kmodaudit scan ARGS | cat`, in seconds; null when a run hit the timeout. */
function piped(args) {
  // timeout(1) inside the pipeline, so that a stopped run leaves no kmodaudit behind; 137 is its KILL.
  const line = `set -o pipefail; timeout -s KILL ${TIMEOUT_S} ${quote(BIN)} scan ${args.map(quote).join(" ")} --fail-on none | cat > /dev/null`;
  const secs = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync("bash", ["-c", line], { stdio: "ignore" });
    if (r.status === 137) return null;
    secs.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(secs);
}

const shown = (s) => (s === null ? `> ${TIMEOUT_S} s`.padStart(9) : `${s.toFixed(2).padStart(7)} s`);

function compare(label, args) {
  const table = piped(args);
  const json = piped([...args, "--format", "json"]);
  const ratio = table === null ? "—" : json === null ? "—" : `${(table / json).toFixed(2)}×`;
  console.log(`  ${label.padEnd(44)} table ${shown(table)}   json ${shown(json)}   table/json ${ratio} (target ≤ 1.2)`);
}

/**
 * A module whose gpl-only-symbol-use finding names 10,000 symbols in its message: a baseline
 * accepted one GPL-only import, and the module now has 9,999 more, each listed as new.
 */
function tenThousandSymbols() {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-bench-table-"));
  const symbols = Array.from({ length: 10_000 }, (_, i) => `gpl_only_fn_${String(i).padStart(5, "0")}`);
  writeFileSync(
    join(dir, "Module.symvers"),
    symbols.map((s, i) => `0x${i.toString(16).padStart(8, "0")}\t${s}\tvmlinux\tEXPORT_SYMBOL_GPL\n`).join(""),
  );
  const mod = join(dir, "vendor.ko");
  const baseline = join(dir, "baseline.json");
  writeFileSync(mod, miniModule(64, "little", ["license=Proprietary", "name=vendor"], symbols.slice(0, 1)).bytes);
  const wrote = spawnSync(
    BIN,
    [
      "baseline",
      "write",
      baseline,
      mod,
      "--symvers",
      join(dir, "Module.symvers"),
      "--justification",
      "bench: one accepted symbol",
    ],
    { encoding: "utf8" },
  );
  if (wrote.status !== 0) throw new Error(`baseline write failed: ${wrote.stderr}`);
  writeFileSync(mod, miniModule(64, "little", ["license=Proprietary", "name=vendor"], symbols).bytes);
  return [mod, "--symvers", join(dir, "Module.symvers"), "--baseline", baseline];
}

const amd64 = { modules: join(CORPUS, "amd64", "modules") + "/", symvers: join(CORPUS, "amd64", "Module.symvers") };
const xz = { modules: join(CORPUS, "amd64xz", "modules") + "/", symvers: join(CORPUS, "amd64xz", "Module.symvers") };

console.log(`\nTable against JSON, piped (${BIN}; median of ${RUNS})`);
compare("6.1 tree against the 6.12 table", [amd64.modules, "--symvers", xz.symvers]);
compare("6.1 and 6.12 trees together", [amd64.modules, xz.modules]);
compare("one finding naming 10,000 symbols", tenThousandSymbols());
