import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  DEFAULT_DEPMOD_CONFIG,
  DEPMOD_CONFIG_DIRS,
  parseDepmodConfig,
  type DepmodConfig,
  type DepmodConfigFile,
} from "../../resolve/depmod-config.js";
import { readRegularFileSync } from "../inspect-file.js";

/** A configuration file or modules.order larger than this is not depmod's. */
const MAX_TEXT = 4 << 20;

/** Where a module lies in a `lib/modules/<release>/` tree: the tree's directory, its root and the path in it. */
export interface TreePlace {
  /** `<root>lib/modules/<release>`, as located. */
  tree: string;
  /** The directory that holds `lib/modules`, with its trailing slash ("" for a path relative to the working directory). */
  root: string;
  release: string;
  /** The path inside the tree, e.g. `kernel/fs/ext4/ext4.ko`. */
  rel: string;
}

/** The last `lib/modules/<release>/` directory a located path passes through, as depmod's search root. */
export function treePlace(located: string): TreePlace | null {
  const m = /^(.*?(?:^|\/))lib\/modules\/([^/!]+)\/([^!]+)$/.exec(located);
  if (!m) return null;
  const [, root, release, rel] = m as unknown as [string, string, string, string];
  const inner = treePlace(rel);
  if (inner) return { ...inner, tree: `${root}lib/modules/${release}/${inner.tree}`, root: `${root}${inner.root}` };
  return { tree: `${root}lib/modules/${release}`, root, release, rel };
}

/** What depmod reads besides the modules: its configuration and modules.order. */
export interface DepmodTree {
  config: DepmodConfig;
  /** modules.order's lines; null when the tree has none; undefined when it could not be looked at (an archive). */
  order: string[] | null | undefined;
}

function readText(path: string): string | null {
  const r = readRegularFileSync(path, true, MAX_TEXT);
  return "bytes" in r ? r.bytes.toString("utf8") : null;
}

/**
 * depmod.d under the root that holds the tree (a tree inside an archive has only depmod's default):
 * every `*.conf` of the directories depmod reads, read as it reads them (resolve/depmod-config.ts).
 * A file that cannot be read is left out, as depmod leaves it out with a message.
 */
export function readDepmodTree(place: TreePlace): DepmodTree {
  if (place.root.includes("!/")) return { config: DEFAULT_DEPMOD_CONFIG, order: undefined };
  const files: DepmodConfigFile[] = [];
  for (const dir of DEPMOD_CONFIG_DIRS) {
    let names: string[];
    try {
      names = readdirSync(join(place.root || ".", dir));
    } catch {
      continue;
    }
    for (const name of names) {
      const text = readText(join(place.root || ".", dir, name));
      if (text !== null) files.push({ dir, name, text });
    }
  }
  const order = readText(join(place.tree, "modules.order"));
  return {
    config: parseDepmodConfig(files, place.release),
    order: order === null ? null : order.split("\n").filter((l) => l !== ""),
  };
}
