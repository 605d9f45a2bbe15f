/**
 * Compiled copies of what the bench and the preview-path test run without TypeScript:
 * the program (exactly as `npm run build` makes it), the baseline program and the mock
 * harness, bundled with the build's own options into a folder inside the project (the
 * bundles find the project folder by walking up).
 */
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { BUNDLE_OPTIONS, buildProgram } from "../build";
import { projectPath } from "../../components/projectRoot";

export interface CompiledRun {
    dir: string;
    /** bin-style bundle of the program with its build manifest. */
    program: string;
    baseline: string;
    /** The mock runtime (scripts/mockRuntime.ts) as CommonJS, for BENCH_HARNESS. */
    harness: string;
}

/** Builds into bin/NAME (created; replaced if present). */
export async function buildCompiledRun(name: string): Promise<CompiledRun> {
    const dir = projectPath("bin", name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const { bundle } = await buildProgram(dir);
    const baseline = path.join(dir, "baseline.js");
    const harness = path.join(dir, "mockRuntime.js");
    await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: ["scripts/bench/baselineProgram.ts"], outfile: baseline });
    await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: ["scripts/mockRuntime.ts"], outfile: harness });
    return { dir, program: bundle, baseline, harness };
}
