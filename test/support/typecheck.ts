/**
 * `npm test`'s type-check: tsc --noEmit over the whole project. test/typecheck.test.ts starts it
 * when mocha loads the spec files, so that it runs on the second core beside the other tests
 * (about 4 s of the suite's wall time) instead of before them.
 */
import { spawn } from "child_process";
import { PROJECT_ROOT } from "../../components/projectRoot";

/** tsc's arguments: every file tsconfig.json includes (the bundles' sources among them), checked, nothing written. */
export const TYPECHECK_ARGS = ["--noEmit", "--pretty", "false", "-p", "tsconfig.json"] as const;

export interface TypecheckResult {
    status: number | null;
    /** tsc's diagnostics. */
    output: string;
}

export function startTypecheck(): Promise<TypecheckResult> {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [PROJECT_ROOT] });
    const child = spawn(process.execPath, [tsc, ...TYPECHECK_ARGS], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    return new Promise((resolve) => {
        child.on("error", (err) => resolve({ status: null, output: String(err) }));
        child.on("close", (status) => resolve({ status, output }));
    });
}
