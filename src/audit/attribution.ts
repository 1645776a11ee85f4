import type { DecodeLimits } from "../core/limits.js";
import { SHN_UNDEF, STB_LOCAL, STT_FUNC } from "../elf/constants.js";
import { parseElf } from "../elf/parse.js";
import { findSymtab, readSymbols } from "../elf/symbols.js";
import { FormatError } from "../core/errors.js";
import { decompress } from "../bytes/sniff.js";
import { functionReferences } from "../kmod/references.js";
import { splitSignature } from "../kmod/signature.js";
import type { AuditedModule, NotJudged, ScanResult } from "../core/results.js";
import type { Provider } from "../core/kernel.js";
import { compareCodeUnits } from "../core/order.js";

export interface ReachedSymbol {
  symbol: string;
  provider: string | null;
  gplOnly: boolean;
}

export interface BlobAttribution {
  /** What the blob was judged against, as in the scan's report: GPL-only marks mean nothing without a table. */
  kernel: ScanResult["kernel"];
  blob: { path: string; name: string };
  glue: { path: string; name: string; licenses: string[] };
  /** Kernel (or module) exports the blob imports itself. */
  direct: ReachedSymbol[];
  /** Blob imports the glue defines, each with the exports the glue's code reaches from it. */
  viaGlue: { glueFunction: string; reaches: ReachedSymbol[] }[];
  /** Exports reached through the glue and never imported by the blob directly. */
  onlyThroughGlue: ReachedSymbol[];
  /** Blob imports neither the glue nor any table provides. */
  unprovided: string[];
  /**
   * What the scan of the blob and its glue could not judge (e.g. no kernel table): the attribution is
   * then incomplete.
   */
  notJudged: NotJudged[];
}

/**
 * Which kernel interfaces a vendor blob reaches directly, and which only through the glue module
 * built around it: every blob import the glue defines is followed through the relocations of the
 * glue's code to the exports it ends up calling.
 */
export async function attributeBlob(
  result: ScanResult,
  blobPath: string,
  gluePath: string,
  glueFile: Buffer,
  limits: DecodeLimits,
): Promise<BlobAttribution> {
  const blob = result.modules.find((m) => m.path === blobPath);
  const glue = result.modules.find((m) => m.path === gluePath);
  if (!blob) throw new FormatError(blobPath, undefined, "not read as a blob or module");
  if (!glue) throw new FormatError(gluePath, undefined, "not read as a module or object");

  const elf = parseElf(splitSignature((await decompress(glueFile, limits)).bytes).elf);
  const symtab = findSymtab(elf);
  if (!symtab) throw new FormatError(gluePath, undefined, "the glue has no symbol table to attribute through");
  const symbols = readSymbols(elf, symtab);
  const defined = new Set(
    symbols.filter((s) => s.shndx !== SHN_UNDEF && s.bind !== STB_LOCAL && s.name).map((s) => s.name),
  );
  const wanted = new Set(blob.facts.imports.map((i) => i.symbol).filter((s) => defined.has(s)));
  const references = functionReferences(elf, symbols, (s) => s.type === STT_FUNC && wanted.has(s.name));

  const providers = new Map<string, Provider | null>();
  for (const m of [glue, blob] as AuditedModule[])
    for (const i of m.imports) if (!providers.has(i.symbol) || i.provider) providers.set(i.symbol, i.provider);
  const reached = (symbol: string): ReachedSymbol => {
    const p = providers.get(symbol) ?? null;
    return { symbol, provider: p?.name ?? null, gplOnly: p?.gplOnly ?? false };
  };

  const direct: ReachedSymbol[] = [];
  const viaGlue: BlobAttribution["viaGlue"] = [];
  const unprovided: string[] = [];
  for (const imp of blob.facts.imports) {
    if (wanted.has(imp.symbol)) {
      const reaches = (references.get(imp.symbol) ?? [])
        .filter((s) => !defined.has(s))
        .map(reached)
        .filter((r) => r.provider !== null);
      viaGlue.push({ glueFunction: imp.symbol, reaches });
    } else if (providers.get(imp.symbol)) direct.push(reached(imp.symbol));
    else unprovided.push(imp.symbol);
  }
  const directNames = new Set(direct.map((d) => d.symbol));
  const through = new Map<string, ReachedSymbol>();
  for (const v of viaGlue) for (const r of v.reaches) if (!directNames.has(r.symbol)) through.set(r.symbol, r);
  return {
    kernel: result.kernel,
    blob: { path: blob.path, name: blob.name },
    glue: { path: glue.path, name: glue.name, licenses: glue.facts.licenses },
    direct: direct.sort((a, b) => compareCodeUnits(a.symbol, b.symbol)),
    viaGlue: viaGlue.sort((a, b) => compareCodeUnits(a.glueFunction, b.glueFunction)),
    onlyThroughGlue: [...through.values()].sort((a, b) => compareCodeUnits(a.symbol, b.symbol)),
    unprovided: unprovided.sort(),
    notJudged: result.notJudged,
  };
}
