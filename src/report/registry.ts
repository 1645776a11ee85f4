import type { BlobAttribution } from "../audit/attribution.js";
import type { DepsView } from "../audit/deps.js";
import type { Severity } from "../core/findings.js";
import type { ScanResult } from "../core/results.js";
import { renderAttribution } from "./attribution.js";
import { depsJson, renderDepsDot, renderDepsMermaid, renderDepsTable } from "./deps.js";
import { renderHtml } from "./html.js";
import { jsonReport } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderSarif } from "./sarif.js";
import { renderTable } from "./table.js";
import { renderCycloneDx } from "./cyclonedx.js";
import { renderSpdx } from "./spdx.js";
import type { SymbolHistory } from "../resolve/export-history.js";
import { renderSymbolHistory, symbolHistoryJson } from "./symbol-history.js";

/**
 * The report formats, each under the name `--format` gives it, with what its caller must know of
 * it: what to ask of the terminal and what the scan must compute.
 */

/** What a caller tells a reporter besides the subject; each reporter reads what it uses. */
export interface RenderContext {
  /** Every module, not only those with findings. */
  all?: boolean;
  /** Archive members that are not modules are listed too. */
  listSkipped?: boolean;
  /** Findings at or above this severity fail the audit. */
  failOn?: Severity | "none";
  /** The one directory scanned, when that is what was scanned (see `relativeToRoot`). */
  root?: string;
  /** Colours for a terminal (see `paints`). */
  color?: boolean;
  /** Columns the report may take (see `fitsWidth`); undefined leaves the reporter's default. */
  width?: number;
  /** When the report was made, for formats that record it (SBOMs); none gives the same bytes for the same scan. */
  timestamp?: Date;
}

/** A report: one string, or pieces to write one after another when it may be too large to hold whole. */
export type ReportText = string | Iterable<string>;

export interface Reporter<Subject> {
  render(subject: Subject, context: RenderContext): ReportText;
  /** Fits its lines to `context.width`: the caller gives the terminal's columns when the report goes to one. */
  fitsWidth: boolean;
  /** Paints with colours when `context.color` says the reader's terminal wants them. */
  paints: boolean;
}

/** A reporter of a scan's audit (`kmodaudit scan`, `kmodaudit system`). */
export interface AuditReporter extends Reporter<ScanResult> {
  /** Gives each module's sha256: the scan must compute them (ScanOptions.hash). */
  hashes: boolean;
  /** Writes paths relative to the working directory, from `context.root`. */
  relativeToRoot: boolean;
  /** Lists the baseline's stale entries where a reader at the terminal sees them. */
  showsStale: boolean;
}

/** The formats of `kmodaudit scan` and `kmodaudit system`, in the order the help lists them. */
export const AUDIT_REPORTERS = {
  table: {
    render: (r, c) => renderTable(r, { all: c.all, color: c.color, width: c.width }),
    fitsWidth: true,
    paints: true,
    hashes: false,
    relativeToRoot: false,
    showsStale: true,
  },
  json: {
    render: (r, c) => jsonReport(r, { listSkipped: c.listSkipped }),
    fitsWidth: false,
    paints: false,
    hashes: true,
    relativeToRoot: false,
    showsStale: false,
  },
  html: {
    render: (r, c) => renderHtml(r, { all: c.all }),
    fitsWidth: false,
    paints: false,
    hashes: false,
    relativeToRoot: false,
    showsStale: false,
  },
  sarif: {
    render: (r, c) => renderSarif(r, { root: c.root }),
    fitsWidth: false,
    paints: false,
    hashes: false,
    relativeToRoot: true,
    showsStale: false,
  },
  junit: {
    render: (r, c) => renderJunit(r, { failOn: c.failOn }),
    fitsWidth: false,
    paints: false,
    hashes: false,
    relativeToRoot: false,
    showsStale: false,
  },
  markdown: {
    render: (r, c) => renderMarkdown(r, { failOn: c.failOn }),
    fitsWidth: false,
    paints: false,
    hashes: false,
    relativeToRoot: false,
    showsStale: false,
  },
  cyclonedx: {
    render: (r, c) => renderCycloneDx(r, c.timestamp ? { timestamp: c.timestamp } : {}),
    fitsWidth: false,
    paints: false,
    hashes: true,
    relativeToRoot: false,
    showsStale: false,
  },
  spdx: {
    render: (r, c) => renderSpdx(r, c.timestamp ? { timestamp: c.timestamp } : {}),
    fitsWidth: false,
    paints: false,
    hashes: true,
    relativeToRoot: false,
    showsStale: false,
  },
} satisfies Record<string, AuditReporter>;

export type AuditFormat = keyof typeof AUDIT_REPORTERS;

/** A text table, drawn to the width the caller gives. */
const tableOf = <T>(render: (subject: T, options: { width?: number | undefined }) => string): Reporter<T> => ({
  render: (subject, c) => render(subject, { width: c.width }),
  fitsWidth: true,
  paints: false,
});

/** The object `toJson` makes of the subject, as indented JSON. */
const jsonOf = <T>(toJson: (subject: T) => unknown): Reporter<T> => ({
  render: (subject) => JSON.stringify(toJson(subject), null, 2) + "\n",
  fitsWidth: false,
  paints: false,
});

/** The formats of `kmodaudit deps`. */
export const DEPENDENCY_REPORTERS = {
  table: tableOf(renderDepsTable),
  json: jsonOf(depsJson),
  dot: { render: renderDepsDot, fitsWidth: false, paints: false },
  mermaid: { render: renderDepsMermaid, fitsWidth: false, paints: false },
} satisfies Record<string, Reporter<DepsView>>;

export type DependencyFormat = keyof typeof DEPENDENCY_REPORTERS;

/** The formats of `kmodaudit blob`. */
export const ATTRIBUTION_REPORTERS = {
  table: tableOf(renderAttribution),
  json: jsonOf((a: BlobAttribution) => ({ schemaVersion: 1, ...a })),
} satisfies Record<string, Reporter<BlobAttribution>>;

export type AttributionFormat = keyof typeof ATTRIBUTION_REPORTERS;

/** The formats of `kmodaudit symbol`. */
export const SYMBOL_REPORTERS = {
  table: tableOf(renderSymbolHistory),
  json: jsonOf(symbolHistoryJson),
} satisfies Record<string, Reporter<readonly SymbolHistory[]>>;

export type SymbolFormat = keyof typeof SYMBOL_REPORTERS;
