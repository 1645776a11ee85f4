import { PACKAGE_ROOT } from "../package-root.js";

/**
 * The JSON Schema (2020-12) of the `--format json` report of scan, upgrade and system, shipped in
 * the package beside dist/ so that consumers validate a report with the schema of the kmodaudit
 * that wrote it.
 */
export const REPORT_SCHEMA_FILE = new URL("schema/kmodaudit-report.schema.json", PACKAGE_ROOT);
