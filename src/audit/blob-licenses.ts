import { normalizeModuleName } from "../resolve/identity.js";

/**
 * Licenses a team declares for vendor blobs, which carry none, keyed by the blob's sha256 (64 hex
 * digits), its file name ("nv-kernel.o_binary"), or its normalised name ("nv_kernel", for every
 * version of the file). Checked in that order: the most specific key wins.
 */
export type BlobLicenses = Readonly<Record<string, string>>;

const SHA256 = /^[0-9a-f]{64}$/i;

export const isSha256Key = (key: string): boolean => SHA256.test(key);

/** Whether matching needs each object's sha256, which a scan computes only on request. */
export const needsSha256 = (licenses: BlobLicenses | undefined): boolean =>
  Object.keys(licenses ?? {}).some(isSha256Key);

/** The license declared for the blob at `path` (a provenance path: a!/b/c), or null when none is. */
export function declaredBlobLicense(
  path: string,
  sha256: string | null,
  licenses: BlobLicenses | undefined,
): string | null {
  if (!licenses) return null;
  // No prototype, so that a blob's file name may be "__proto__" like any other.
  const own: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(licenses)) own[isSha256Key(k) ? k.toLowerCase() : k] = v;
  const fileName = path.slice(path.lastIndexOf("/") + 1);
  if (sha256 !== null && Object.hasOwn(own, sha256)) return own[sha256]!;
  if (Object.hasOwn(own, fileName)) return own[fileName]!;
  const name = normalizeModuleName(fileName);
  // Only a key without a dot is a name: "wlc_hybrid.o_i386" must not match wlc_hybrid.o_amd64.
  for (const [k, v] of Object.entries(own))
    if (!k.includes(".") && !isSha256Key(k) && normalizeModuleName(k) === name) return v;
  return null;
}
