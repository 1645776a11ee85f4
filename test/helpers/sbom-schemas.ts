import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import addDraft2019Formats from "ajv-formats-draft2019";

/*
 * The official JSON schemas of the two SBOM formats, and two validators that share no code: Ajv
 * here, and Python's jsonschema (Debian's python3-jsonschema) in jsonschema-check.py.
 * CycloneDX 1.6: the schema files CycloneDX publishes, as its JavaScript library ships them (they
 * refer to each other by their SNAPSHOT file names). SPDX 2.3: schemas/spdx-schema.json of
 * spdx/spdx-spec, branch support/2.3, commit 214f23d34ee287cb1db5b31c3d571af291e836f3, kept in
 * test/fixtures/sbom.
 */

const require = createRequire(import.meta.url);
const CDX_DIR = fileURLToPath(
  new URL("res/schema/", `file://${require.resolve("@cyclonedx/cyclonedx-library/package.json")}`),
);
const BASE = "http://cyclonedx.org/schema/";
/** Each CycloneDX schema file under the name the others use for it. */
const CYCLONEDX = ["bom-1.6.SNAPSHOT.schema.json", "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"].map(
  (file) => ({ id: BASE + file, path: CDX_DIR + file }),
);
const SPDX = fileURLToPath(new URL("../fixtures/sbom/spdx-2.3.schema.json", import.meta.url));
const CHECK = fileURLToPath(new URL("./jsonschema-check.py", import.meta.url));

const load = (path: string, id?: string) => {
  const schema = JSON.parse(readFileSync(path, "utf8"));
  return id ? { ...schema, $id: id } : schema;
};

function ajv(): Ajv {
  const a = new Ajv({ strict: false, allErrors: true });
  addFormats(a);
  addDraft2019Formats(a);
  return a;
}

export type Problems = string[];

function ajvProblems(validate: ReturnType<Ajv["compile"]>, doc: unknown): Problems {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

let cyclonedx: ReturnType<Ajv["compile"]> | undefined;
export function cycloneDxProblems(doc: unknown): Problems {
  if (!cyclonedx) {
    const a = ajv();
    for (const s of CYCLONEDX.slice(1)) a.addSchema(load(s.path, s.id));
    cyclonedx = a.compile(load(CYCLONEDX[0]!.path, CYCLONEDX[0]!.id));
  }
  return ajvProblems(cyclonedx, doc);
}

let spdx: ReturnType<Ajv["compile"]> | undefined;
export function spdxProblems(doc: unknown): Problems {
  spdx ??= ajv().compile(load(SPDX));
  return ajvProblems(spdx, doc);
}

/** The second validator's verdict on a document (as JSON text), against the same schemas. */
export function independentProblems(format: "cyclonedx" | "spdx", json: string): Problems {
  const args =
    format === "spdx"
      ? [CHECK, SPDX]
      : [CHECK, CYCLONEDX[0]!.path, ...CYCLONEDX.slice(1).flatMap((s) => [s.id, s.path])];
  const r = spawnSync("python3", args, { input: json, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status === 0) return [];
  return [r.stderr.trim() || `python3 jsonschema exited with ${r.status}`];
}
