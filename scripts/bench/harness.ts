/**
 * Compiled copies of what the bench and the preview-path test run without TypeScript:
 * the program (exactly as `npm run build` makes it), the baseline program and the mock
 * engine, bundled with the build's own options into a folder inside the project (the
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
    /** The same program without the Chart's transform, for measurement only (what the SDK's callback server costs). */
    programWithoutTransform: string;
    baseline: string;
    /** The mock engine (scripts/bench/mockEngine.ts) as CommonJS, preloaded into Pulumi's runner. */
    mockEngine: string;
    /** scripts/bench/phases.ts beside the program: its stack output `phases` times the program's own work. */
    phases: string;
}

/** Builds into bin/NAME (created; replaced if present). */
export async function buildCompiledRun(name: string): Promise<CompiledRun> {
    const dir = projectPath("bin", name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const { bundle } = await buildProgram(dir);
    const variantDir = path.join(dir, "without-transform");
    fs.mkdirSync(variantDir);
    const { bundle: programWithoutTransform } = await buildProgram(variantDir, undefined, [chartTransformRemoved]);
    const baseline = path.join(dir, "baseline.js");
    const mockEngine = path.join(dir, "mockEngine.js");
    await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: ["scripts/bench/baselineProgram.ts"], outfile: baseline });
    await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: ["scripts/bench/mockEngine.ts"], outfile: mockEngine });
    const phases = path.join(dir, "phases.js");
    await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: ["scripts/bench/phases.ts"], outfile: phases });
    return { dir, program: bundle, programWithoutTransform, baseline, mockEngine, phases };
}

/** The Chart's options in components/falcoRelease.ts, whose transform makes `@pulumi/pulumi` start its callback server. */
export const CHART_TRANSFORMS = "transforms: [withoutServiceAccountToken]";
const FALCO_RELEASE_SOURCE = "components/falcoRelease.ts";

/**
 * falcoRelease.ts's source with the Chart declared without transforms. Measurement only: the bench compares
 * it with the real program to show what the transform costs at start-up. Throws unless the options appear
 * exactly once, so that a changed source cannot make the comparison measure the same program twice.
 */
export function withoutChartTransforms(source: string): string {
    const parts = source.split(CHART_TRANSFORMS);
    if (parts.length !== 2) {
        throw new Error(`bench: ${FALCO_RELEASE_SOURCE} must contain \`${CHART_TRANSFORMS}\` exactly once (found ${parts.length - 1}); update scripts/bench/harness.ts`);
    }
    return parts.join("transforms: []");
}

/** esbuild plugin: bundles falcoRelease.ts through withoutChartTransforms. */
const chartTransformRemoved: esbuild.Plugin = {
    name: "chart-transform-removed",
    setup(build) {
        build.onLoad({ filter: /[\\/]components[\\/]falcoRelease\.ts$/ }, (args) => ({
            contents: withoutChartTransforms(fs.readFileSync(args.path, "utf8")),
            loader: "ts",
        }));
    },
};
