import type { AuditedModule, FileError, NotJudged, ScanResult } from "../core/results.js";
import { chainsOf, type Finding } from "../core/findings.js";
import { auditIncomplete } from "../audit/not-judged.js";
import { RULES } from "../rules/meta.js";
import type { RuleId, Severity } from "../core/findings.js";
import { VERSION } from "../version.js";
import { artifactLocation, WORKING_DIRECTORY, type ArtifactLocation } from "./artifact-uri.js";
import { escapeForTerminal as esc } from "./escape.js";
import { findingFingerprint } from "./fingerprint.js";
import { summaryOf } from "./json.js";
import { HOMEPAGE, ruleHelpUri } from "./links.js";
import { markdownText } from "./markdown-escape.js";
import { type KernelGroup, kernelGroups, kernelLabel, kernelSummary, severalKernels } from "./kernels.js";
import { EXPORT_TYPES_UNKNOWN, notJudgedText, tableNoticeGiven } from "./not-judged.js";

/** The SARIF 2.1.0 schema's address as GitHub documents it and the multitool accepts it. */
const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** The partialFingerprints key: versioned, so that a change of what is hashed cannot be mistaken for the old value. */
export const FINGERPRINT_KEY = "kmodauditFinding/v1";

export interface SarifOptions {
  /**
   * The directory that report paths are relative to — the one directory scanned, as `scan` makes
   * paths relative to it. Locations are then written relative to the working directory, like the
   * paths of a scan of several inputs.
   */
  root?: string;
}

const RULE_IDS = Object.keys(RULES) as RuleId[];

/** "gpl-only-symbol-use" → "GplOnlySymbolUse": SARIF's friendly rule name. */
const pascal = (id: string) => id.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase());

function ruleDescriptor(id: RuleId) {
  const meta = RULES[id];
  return {
    id,
    name: pascal(id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.help },
    help: { text: meta.help, markdown: `${markdownText(meta.help)}\n\n[Documentation of ${id}](${ruleHelpUri(id)})` },
    helpUri: ruleHelpUri(id),
    defaultConfiguration: { level: LEVEL[meta.severity] },
  };
}

/** Conditions of the run itself, reported as tool execution notifications. */
const NOTIFICATIONS = [
  {
    id: "file-error",
    name: "FileError",
    shortDescription: { text: "A file could not be read or parsed" },
    fullDescription: {
      text:
        "A file or archive member could not be read, decompressed or parsed as ELF. It was not audited, so the " +
        "audit is incomplete (exit code 2).",
    },
    defaultConfiguration: { level: "error" },
  },
  {
    id: "gpl-only-exports-unknown",
    name: "GplOnlyExportsUnknown",
    shortDescription: { text: "No kernel export table with export types" },
    fullDescription: {
      text:
        "No Module.symvers, vmlinux or System.map said which kernel exports are GPL-only (none was given or " +
        "found, or those given list no exports or no export types), so only the scanned modules' own exports " +
        "were checked. Pass --symvers FILE for the target kernel.",
    },
    defaultConfiguration: { level: "warning" },
  },
  {
    id: "not-judged",
    name: "NotJudged",
    shortDescription: { text: "Something asked for could not be judged" },
    fullDescription: {
      text:
        "A path given held no module or blob, or a kernel export table listed no exports or no export types, " +
        "or modules imported the kernel's exports with no kernel table to judge them against. The audit is " +
        "incomplete (exit code 2).",
    },
    defaultConfiguration: { level: "error" },
  },
] as const;

/**
 * A finding concerns a whole module, and a module file is binary, where SARIF allows only byte
 * regions (no lines). Viewers and the validator want a region; the start of the file is as close
 * as a module-level finding gets.
 */
const MODULE_START = { byteOffset: 0 };

/**
 * One result per finding. In a scan of several kernels it names the module's kernel where code-scanning
 * views show it (the message, before the module's name), in the logical location's qualified name and
 * in its properties; its fingerprint tells the same module's findings in two kernels apart.
 */
function result(m: AuditedModule, f: Finding, root: string | undefined, several: boolean) {
  const chains = chainsOf(f);
  const kernel = kernelLabel(m.kernel);
  return {
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: { text: esc(several ? `${m.name} (kernel ${kernel}): ${f.message}` : `${m.name}: ${f.message}`) },
    locations: [
      {
        physicalLocation: { artifactLocation: artifactLocation(m.path, root), region: MODULE_START },
        logicalLocations: [
          several
            ? { name: esc(m.name), fullyQualifiedName: esc(`${kernel}/${m.name}`), kind: "module" }
            : { name: esc(m.name), kind: "module" },
        ],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(m, f, several ? m.kernel : undefined) },
    properties: {
      ...(several ? { kernel: m.kernel } : {}),
      symbols: f.symbols,
      ...(chains.length ? { chains } : {}),
      ...(f.suppressedSymbols ? { suppressedSymbols: f.suppressedSymbols } : {}),
    },
  };
}

interface Notification {
  level: "error" | "warning";
  message: { text: string };
  locations?: { physicalLocation: { artifactLocation: ArtifactLocation } }[];
  descriptor: { id: string; index: number };
  properties?: { structure?: string; offset?: number; code?: string };
}

function fileErrorNotification(e: FileError, root: string | undefined): Notification {
  const where = {
    ...(e.structure ? { structure: e.structure } : {}),
    ...(e.offset === undefined ? {} : { offset: e.offset }),
  };
  return {
    level: "error",
    message: { text: esc(`${e.path}: ${e.message}`) },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(e.path, root) } }],
    descriptor: { id: NOTIFICATIONS[0].id, index: 0 },
    ...(Object.keys(where).length ? { properties: where } : {}),
  };
}

/** A notice's path is a path given to the scan or a table's, as given: never relative to the scanned directory. */
function notJudgedNotification(n: NotJudged): Notification {
  return {
    level: "error",
    message: { text: esc(notJudgedText(n)) },
    ...(n.path === undefined
      ? {}
      : { locations: [{ physicalLocation: { artifactLocation: artifactLocation(n.path) } }] }),
    descriptor: { id: NOTIFICATIONS[2].id, index: 2 },
    properties: { code: n.code },
  };
}

function notificationsOf(scan: ScanResult, root: string | undefined): Notification[] {
  const out = [...scan.errors.map((e) => fileErrorNotification(e, root)), ...scan.notJudged.map(notJudgedNotification)];
  if (!scan.kernel.gplOnlyKnown)
    out.push({
      level: "warning",
      message: { text: unknownExportsText(scan) },
      descriptor: { id: NOTIFICATIONS[1].id, index: 1 },
    });
  return out;
}

/** The advice to pass --symvers only when no not-judged notification says what is wrong with the tables given. */
function unknownExportsText(scan: ScanResult): string {
  const what = `${EXPORT_TYPES_UNKNOWN}.`;
  return tableNoticeGiven(scan)
    ? `${what} The not-judged notifications say why.`
    : `${what} Pass --symvers FILE for the target kernel.`;
}

/** Severities a policy changed for this run: "off" disables the rule, anything else re-grades it. */
function ruleOverrides(scan: ScanResult) {
  return (Object.entries(scan.ruleSeverity ?? {}) as [RuleId, Severity | "off"][])
    .sort(([a], [b]) => RULE_IDS.indexOf(a) - RULE_IDS.indexOf(b))
    .map(([id, setting]) => ({
      descriptor: { id, index: RULE_IDS.indexOf(id) },
      configuration: setting === "off" ? { enabled: false } : { level: LEVEL[setting] },
    }));
}

/** A kernel of a scan of several, in the run's properties: as the JSON report lists it. */
function kernelProperties({ kernel, modules }: KernelGroup) {
  const s = kernelSummary(modules);
  return {
    release: kernel.release,
    sources: kernel.sources.map((t) => ({ kind: t.kind, file: t.file })),
    exports: kernel.exports,
    gplOnlyKnown: kernel.gplOnlyKnown,
    modules: kernel.modules,
    ...(kernel.running ? { running: true } : {}),
    summary: { modules: s.modules, blobs: s.blobs, findings: s.findings },
  };
}

/** The SARIF log of a scan: one run, one rule per rule id, one result per finding. */
export function toSarif(scan: ScanResult, options: SarifOptions = {}) {
  const { root } = options;
  const several = severalKernels(scan);
  const results = scan.modules.flatMap((m) => m.findings.map((f) => result(m, f, root, several)));
  const notifications = notificationsOf(scan, root);
  const locations = [...results, ...notifications].flatMap((r) =>
    (r.locations ?? []).map((l) => l.physicalLocation.artifactLocation),
  );
  const relative = locations.some((l) => l.uriBaseId === WORKING_DIRECTORY);
  const overrides = ruleOverrides(scan);
  return {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kmodaudit",
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: HOMEPAGE,
            rules: RULE_IDS.map(ruleDescriptor),
            notifications: NOTIFICATIONS,
          },
        },
        invocations: [
          {
            executionSuccessful: !auditIncomplete(scan),
            toolExecutionNotifications: notifications,
            ...(overrides.length ? { ruleConfigurationOverrides: overrides } : {}),
          },
        ],
        ...(relative
          ? {
              originalUriBaseIds: {
                [WORKING_DIRECTORY]: {
                  description: { text: "The directory kmodaudit was run in: relative locations are relative to it." },
                },
              },
            }
          : {}),
        results,
        properties: {
          kernel: {
            sources: scan.kernel.sources.map((s) => ({ kind: s.kind, file: s.file })),
            exports: scan.kernel.exports,
            gplOnlyKnown: scan.kernel.gplOnlyKnown,
            release: scan.kernel.release,
          },
          ...(several ? { kernels: kernelGroups(scan).map(kernelProperties) } : {}),
          summary: summaryOf(scan),
          ...(scan.baseline ? { baseline: scan.baseline } : {}),
        },
      },
    ],
  };
}

export function renderSarif(result: ScanResult, options: SarifOptions = {}): string {
  return JSON.stringify(toSarif(result, options), null, 2) + "\n";
}
