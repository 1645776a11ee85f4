import type { RuleId } from "../core/findings.js";
import type { AuditedModule, ScanKernel, ScanResult } from "../core/results.js";
import { compareCodeUnits } from "../core/order.js";

/**
 * The kernels of a scan as the reports show them (design.md: a kernel is the unit of resolution).
 * A scan of one kernel reads as it always has, so the reporters ask `severalKernels` and keep
 * their one-kernel output untouched when it says no.
 */

/** One kernel of the scan and the modules and blobs audited as its own, in the scan's order. */
export interface KernelGroup {
  kernel: ScanKernel;
  modules: AuditedModule[];
}

/** Whether the reports name kernels: only a scan of more than one. */
export const severalKernels = (result: Pick<ScanResult, "kernels">): boolean => result.kernels.length > 1;

/** How a report names a kernel: its release, or what stands for none. */
export const kernelLabel = (release: string | null): string => release ?? "(no release)";

/** The kernel's label with "(running)" after the one the audited system runs. */
export const kernelTitle = (kernel: ScanKernel): string =>
  kernel.running ? `${kernelLabel(kernel.release)} (running)` : kernelLabel(kernel.release);

/**
 * The modules of each kernel, kernels in the scan's order (ScanResult.kernels). A module whose
 * kernel is none of them (which the engine does not produce) goes with the kernel without a
 * release, or with a group of its own at the end, so that no module drops out of a report.
 */
export function kernelGroups(result: Pick<ScanResult, "kernels" | "modules">): KernelGroup[] {
  const groups = result.kernels.map((kernel): KernelGroup => ({ kernel, modules: [] }));
  const byRelease = new Map(groups.map((g) => [g.kernel.release, g]));
  let stray: KernelGroup | undefined;
  for (const m of result.modules) {
    let g = byRelease.get(m.kernel);
    if (!g) {
      stray ??= {
        kernel: { release: m.kernel, sources: [], exports: 0, gplOnlyKnown: false, modules: 0 },
        modules: [],
      };
      g = stray;
    }
    g.modules.push(m);
  }
  return stray ? [...groups, stray] : groups;
}

/** What a kernel's modules came to: modules and blobs audited, findings per rule (rules sorted). */
export interface KernelSummary {
  modules: number;
  blobs: number;
  findings: Partial<Record<RuleId, number>>;
  /** All its findings. */
  total: number;
}

export function kernelSummary(modules: readonly AuditedModule[]): KernelSummary {
  const findings: Partial<Record<RuleId, number>> = {};
  let blobs = 0;
  let total = 0;
  for (const m of modules) {
    if (m.kind === "blob") blobs++;
    for (const f of m.findings) findings[f.rule] = (findings[f.rule] ?? 0) + 1;
    total += m.findings.length;
  }
  const sorted = Object.fromEntries(Object.entries(findings).sort(([a], [b]) => compareCodeUnits(a, b)));
  return { modules: modules.length - blobs, blobs, findings: sorted, total };
}
