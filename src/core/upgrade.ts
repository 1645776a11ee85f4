import type { ExportType } from "./export-types.js";

/**
 * What an upgrade check says of one module for one target kernel: the imports whose export is not
 * what it was, and whether the module would still build and load there.
 */

/**
 * `gone`: no longer exported; `flavour`: gone from the target's flavour but still exported by
 * another flavour of the same build; `gpl-only`: became EXPORT_SYMBOL_GPL; `namespace`: moved into
 * a namespace the module does not import; `provider`: exported by another module (or by vmlinux
 * instead of a module), so the module's `depends=` changes.
 */
export type UpgradeChangeKind = "gone" | "flavour" | "gpl-only" | "namespace" | "provider";

/** An export as one kernel has it. */
export interface ExportState {
  /** "vmlinux", or the module that exports it. */
  provider: string;
  type: ExportType | null;
  gplOnly: boolean;
  namespace: string | null;
}

export interface UpgradeChange {
  symbol: string;
  change: UpgradeChangeKind;
  /** A weak import: when gone, the loader still accepts the module and the symbol is NULL. */
  weak: boolean;
  before: ExportState;
  /** Null when gone. */
  after: ExportState | null;
  /** For `flavour`: the flavours of the target's build that still export it. */
  flavours?: string[];
}

/**
 * `build-fails`: modpost refuses it (an import gone, GPL-only for a non-GPL module, a namespace not
 * imported, no license); `load-refused`: it builds, but the loader refuses it; `not-judged`: the
 * target has no build of the module's flavour in the database.
 */
export type UpgradeVerdict = "builds-and-loads" | "build-fails" | "load-refused" | "not-judged";

export interface ModuleUpgrade {
  /** The target release judged against, or what was asked for when there was none. */
  to: string;
  /** What `--to` said: a release, a series (`6.12`) or `latest`. */
  asked: string;
  verdict: UpgradeVerdict;
  /** Why it fails or was not judged, one sentence per reason. */
  why: string[];
  /** Sorted by symbol, then change. */
  changes: UpgradeChange[];
}
