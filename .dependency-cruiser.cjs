// The import direction of src/ (issue 17): each pipeline folder imports only the folders below it, the scan
// engine is a wing that only the CLI and the public API import, and no file imports itself round a cycle.
// Type-only imports count: a type that points upward ties the layers together as surely as a value does.

/** The pipeline, lowest first; folders on one rank are siblings that do not import each other. */
const PIPELINE = [
  ["core"],
  ["bytes"],
  ["elf"],
  ["kmod", "system"],
  ["resolve"],
  ["rules"],
  ["audit"],
  ["policy"],
  ["report"],
];

/** src/package-root.ts and src/version.ts stay at the top of src/ (the bundles rely on their depth) but are floor. */
const TOP_FLOOR = "^src/(package-root|version)\\.ts$";

const folders = (names) => `^src/(${names.join("|")})/`;

const pipelineRules = PIPELINE.flatMap((rank, i) => {
  const below = PIPELINE.slice(0, i).flat();
  return rank.map((folder) => ({
    name: `${folder}-imports-only-lower-layers`,
    comment:
      folder === "core"
        ? "core/ is the data floor: it imports nothing of the project"
        : `${folder}/ may import only ${below.join(", ")} (and src/package-root.ts, src/version.ts)`,
    severity: "error",
    from: { path: `^src/${folder}/` },
    to: {
      path: "^src/",
      pathNot: folder === "core" ? [folders(["core"])] : [folders([folder, ...below]), TOP_FLOOR],
    },
  }));
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "a cycle of imports makes one layer of many files; there must be none, at file level",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...pipelineRules,
    {
      name: "top-floor-imports-nothing",
      comment: "src/package-root.ts and src/version.ts are floor: they import nothing else of the project",
      severity: "error",
      from: { path: TOP_FLOOR },
      to: { path: "^src/", pathNot: TOP_FLOOR },
    },
    {
      name: "engine-is-a-wing",
      comment: "the scan engine is imported only by the CLI and the public API (src/index.ts)",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/(engine|cli)/", "^src/index\\.ts$"] },
      to: { path: "^src/engine/" },
    },
    {
      name: "engine-not-into-report",
      comment: "the engine runs the pipeline up to policy; reports are the caller's business",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { path: "^src/report/" },
    },
    {
      name: "cli-is-the-top",
      comment: "nothing imports the command line; the library never depends on its shell",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "index-is-the-top",
      comment: "src/index.ts is the public API: the CLI may build on it, the library inside src/ does not import it",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/index\\.ts$" },
    },
    {
      name: "no-unresolvable",
      comment: "an import that resolves to nothing is a typo or a file that moved",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
