import { audit, type AuditOptions, type AuditOutcome, type InspectedObject } from "./audit.js";
import type { AuditedModule } from "../core/results.js";
import { embeddedTable, type ExportDatabase } from "../resolve/embedded-db.js";
import { chooseRelease, type EmbeddedChoice } from "../resolve/embedded-select.js";
import { DependencyGraph } from "../core/graph.js";
import { mergeTables, type KernelTable } from "../resolve/kernel-table.js";
import type { TableSource } from "../core/kernel.js";
import { ProviderIndex } from "../resolve/providers.js";
import { releaseOfVermagic } from "../resolve/release.js";
import { byCodeUnits, compareCodeUnits, sortedUnique } from "../core/order.js";

export interface EmbeddedOutcome extends AuditOutcome {
  /** The embedded tables used, one source per release. */
  kernel: KernelTable;
}

const byPath = byCodeUnits("path");

/** The release an object asks for: a Linux module's vermagic. Blobs and VMkernel modules carry none. */
function wantedRelease(o: InspectedObject): string | null {
  const f = o.facts;
  return f.kind === "module" && f.dialect === "linux" && f.vermagic ? releaseOfVermagic(f.vermagic) || null : null;
}

function sourceFor(release: string, choices: readonly EmbeddedChoice[]): TableSource {
  const nearest = sortedUnique(choices.filter((c) => !c.exact).map((c) => c.wanted));
  const note = nearest.length ? `, nearest to ${nearest.join(", ")}` : "";
  return { kind: "embedded", file: `${release} (kmodaudit embedded export database${note})`, origin: "detected" };
}

interface Group {
  release: string | null;
  choices: EmbeddedChoice[];
  objects: InspectedObject[];
}

/**
 * Audits a scan that has no kernel table against the embedded database: each module against the
 * release its vermagic names (exact, else nearest in its series, see chooseRelease), or every
 * object against `targetRelease` when the user named the target kernel.
 *
 * Modules built for different releases are grouped by the release chosen for them and each group
 * is audited against its own table, over the whole scan (so modules still resolve against each
 * other across groups), keeping that group's modules. Objects that name no release (blobs,
 * VMkernel modules, modules without vermagic) join the largest group: they were most likely built
 * for the kernel most of their neighbours were. Modules whose release the database cannot stand
 * in for are audited without a kernel table, exactly as with no database. Null when no object is
 * matched at all; the database is loaded only when some object names a release.
 */
export async function auditWithEmbedded(
  objects: readonly InspectedObject[],
  load: () => ExportDatabase | Promise<ExportDatabase>,
  targetRelease: string | null,
  options: AuditOptions = {},
): Promise<EmbeddedOutcome | null> {
  const wanted = objects.map((o) => targetRelease ?? wantedRelease(o));
  if (!wanted.some((w) => w !== null)) return null;
  const db = await load();
  const choices = new Map<string, EmbeddedChoice | null>();
  const groups = new Map<string | null, Group>();
  const floating: InspectedObject[] = [];
  objects.forEach((o, i) => {
    const w = wanted[i] ?? null;
    if (w === null) {
      floating.push(o);
      return;
    }
    if (!choices.has(w)) choices.set(w, chooseRelease(db.releases, w));
    const choice = choices.get(w) ?? null;
    const key = choice?.release ?? null;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { release: key, choices: [], objects: [] }));
    g.objects.push(o);
    if (choice && !g.choices.includes(choice)) g.choices.push(choice);
  });
  const matched = [...groups.values()]
    .filter((g) => g.release !== null)
    .sort((a, b) => b.objects.length - a.objects.length || compareCodeUnits(a.release!, b.release!));
  if (matched.length === 0) return null;
  for (const o of floating) matched[0]!.objects.push(o);

  const run = async (g: Group) => {
    const kernel = mergeTables(
      g.release === null ? [] : [{ source: sourceFor(g.release, g.choices), table: embeddedTable(db, g.release) }],
      targetRelease,
    );
    return { kernel, outcome: await audit(objects, kernel, options), paths: new Set(g.objects.map((o) => o.path)) };
  };
  const all = [...matched, ...(groups.has(null) ? [groups.get(null)!] : [])];
  if (all.length === 1) {
    const { kernel, outcome } = await run(all[0]!);
    return { ...outcome, kernel };
  }
  const modules: AuditedModule[] = [];
  const skipped: AuditOutcome["skipped"] = [];
  const kernels: KernelTable[] = [];
  // One group at a time: each audit holds the whole scan's resolution.
  for (const g of all) {
    const { kernel, outcome, paths } = await run(g);
    if (g.release !== null) kernels.push(kernel);
    // Element by element: a spread of a large scan's modules would overflow the stack.
    for (const m of outcome.modules) if (paths.has(m.path)) modules.push(m);
    for (const s of outcome.skipped) if (paths.has(s.path)) skipped.push(s);
  }
  modules.sort(byPath);
  const kernel = mergeTables(
    kernels.map((k) => ({ source: k.sources[0]!, table: { exports: [...k.bySymbol.values()], hasExportTypes: true } })),
    targetRelease,
  );
  return {
    modules,
    skipped: skipped.sort(byPath),
    index: new ProviderIndex(
      modules.filter((m) => m.kind === "module"),
      kernel,
    ),
    graph: new DependencyGraph(modules),
    kernel,
  };
}
