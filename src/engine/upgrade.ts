import { checkUpgrades } from "../audit/upgrades.js";
import type { ScanResult } from "../core/results.js";
import { scan, type ScanOptions } from "./scan.js";
import { loadExportDatabase } from "./tables.js";

export interface UpgradeOptions extends ScanOptions {
  /** Target kernels: releases, series (`6.12`: its newest build) or `latest`. */
  to: readonly string[];
}

/**
 * Scans as `scan` does, then judges every module against each target kernel of the embedded
 * database (audit/upgrades.ts): what breaks when the module is rebuilt for it.
 */
export async function upgrade(paths: readonly string[], options: UpgradeOptions): Promise<ScanResult> {
  // Loaded first and handed to the scan, which needs it too when no table is given or found.
  const db = options.exportDatabase ?? (await loadExportDatabase());
  const scanned = await scan(paths, { ...options, exportDatabase: db });
  return checkUpgrades(scanned, db, options.to, {
    assumeLicense: options.assumeLicense ?? null,
    ...(options.blobLicenses ? { blobLicenses: options.blobLicenses } : {}),
    ...(options.blobs ? { blobs: options.blobs } : {}),
  });
}
