/**
 * The package's root directory. Every file that asks for it — src/*.ts under the test runner,
 * dist/*.js, and the one-file bundles dist/kmodaudit-main.js (the CLI) and dist/kmodaudit-worker.js —
 * sits one level below the root, so paths from here (package.json, data/, the worker) hold wherever
 * the code was bundled from.
 */
export const PACKAGE_ROOT = new URL("../", import.meta.url);
