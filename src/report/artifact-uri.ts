import { posix } from "node:path";
import { wellFormed } from "./well-formed.js";

/** The base id of relative locations: the directory kmodaudit ran in (the name SARIF producers conventionally use). */
export const WORKING_DIRECTORY = "%SRCROOT%";

export interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

const MEMBER = "!/";

/** A file or member name as one URI path segment; a member named "." or ".." must not be read as a dot-segment. */
function segment(name: string, inContainer: boolean): string {
  if (inContainer && (name === "." || name === "..")) return name.replace(/\./g, "%2E");
  return encodeURIComponent(wellFormed(name));
}

const encodePath = (path: string, inContainer: boolean) =>
  path
    .split("/")
    .map((s) => segment(s, inContainer))
    .join("/");

/**
 * A report path (`dir/a.deb!/data.tar.xz!/x.ko`) as a SARIF artifact location. The file part is
 * made relative to the working directory — code-scanning services resolve relative locations
 * against the repository root and ignore `originalUriBaseIds` — by prefixing `root`, the scanned
 * directory that report paths are relative to when a single directory was scanned. Absolute paths
 * become `file:` URIs. Members of containers keep the `!/` separators of the report path.
 */
export function artifactLocation(path: string, root?: string): ArtifactLocation {
  const [file = "", ...members] = path.split(MEMBER);
  const onDisk = posix.normalize(root === undefined ? file : posix.join(root, file));
  const inside = members.map((m) => MEMBER + encodePath(m, true)).join("");
  if (posix.isAbsolute(onDisk)) return { uri: `file://${encodePath(onDisk, false)}${inside}` };
  return { uri: `${encodePath(onDisk, false)}${inside}`, uriBaseId: WORKING_DIRECTORY };
}
