/**
 * Compiled copies of what the bench and the preview-path test run without TypeScript:
 * the program (exactly as `npm run build` makes it), the baseline program and the mock
 * engine, bundled with the build's own options into a folder inside the project (the
 * bundles find the project folder by walking up).
 */
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { BUNDLE_OPTIONS, buildBundle } from "../build";
import { projectPath } from "../../components/projectRoot";

export interface CompiledRun {
    dir: string;
    /** bin-style bundle of the program with its build manifest. */
    program: string;
    /** Measurement-only builds of the program, each less a feature (MEASUREMENT_VARIANTS), by variant name. */
    variants: Record<MeasurementVariant, string>;
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
    const { bundle } = await buildBundle(dir);
    const variants = {} as Record<MeasurementVariant, string>;
    for (const [variant, { edits }] of Object.entries(MEASUREMENT_VARIANTS) as [MeasurementVariant, { edits: SourceEdit[] }][]) {
        const variantDir = path.join(dir, variant);
        fs.mkdirSync(variantDir);
        variants[variant] = (await buildBundle(variantDir, undefined, [editedSources(edits)])).bundle;
    }
    const baseline = path.join(dir, "baseline.js");
    const mockEngine = path.join(dir, "mockEngine.js");
    await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: ["scripts/bench/baselineProgram.ts"], outfile: baseline });
    await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: ["scripts/bench/mockEngine.ts"], outfile: mockEngine });
    const phases = path.join(dir, "phases.js");
    await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: ["scripts/bench/phases.ts"], outfile: phases });
    return { dir, program: bundle, variants, baseline, mockEngine, phases };
}

/** One replacement in one project source, for a measurement-only build. */
export interface SourceEdit {
    /** Project-relative source file. */
    file: string;
    from: string;
    to: string;
}

/** The Chart's transform, which makes `@pulumi/pulumi` start its gRPC callback server (components/falcoRelease.ts). */
export const CHART_TRANSFORM_REMOVED: SourceEdit = { file: "components/falcoRelease.ts", from: "transforms: [withoutServiceAccountToken]", to: "transforms: []" };
/** The reads of the cluster prerequisites (CRDs, event targets' Services); their component stays (index.ts). */
export const PREREQUISITE_READS_REMOVED: SourceEdit = { file: "index.ts", from: "required: clusterPrerequisites(config)", to: "required: []" };

/**
 * Builds the bench compares with the real program, to show what a feature costs at start-up. Measurement
 * only: each drops a feature another issue requires (the transform keeps service-account tokens out of
 * falcosidekick's pods; the reads stop a preview on a cluster without the monitoring stack).
 */
export const MEASUREMENT_VARIANTS = {
    withoutTransform: { leavesOut: "the Chart's transform (which makes @pulumi/pulumi start its gRPC callback server)", edits: [CHART_TRANSFORM_REMOVED] },
    withoutReads: { leavesOut: "the 4 reads of the cluster prerequisites", edits: [PREREQUISITE_READS_REMOVED] },
    withoutReadsOrTransform: { leavesOut: "the reads and the transform", edits: [PREREQUISITE_READS_REMOVED, CHART_TRANSFORM_REMOVED] },
} satisfies Record<string, { leavesOut: string; edits: SourceEdit[] }>;
export type MeasurementVariant = keyof typeof MEASUREMENT_VARIANTS;

/**
 * The source with the edit applied. Throws unless `from` appears exactly once, so that a changed
 * source cannot make the comparison measure the same program twice.
 */
export function applySourceEdit(source: string, edit: SourceEdit): string {
    const parts = source.split(edit.from);
    if (parts.length !== 2) {
        throw new Error(`bench: ${edit.file} must contain \`${edit.from}\` exactly once (found ${parts.length - 1}); update scripts/bench/harness.ts`);
    }
    return parts.join(edit.to);
}

/** esbuild plugin: bundles each edited file through its edits. */
function editedSources(edits: SourceEdit[]): esbuild.Plugin {
    const byFile = new Map<string, SourceEdit[]>();
    for (const edit of edits) {
        byFile.set(projectPath(edit.file), [...(byFile.get(projectPath(edit.file)) ?? []), edit]);
    }
    return {
        name: "measurement-edits",
        setup(build) {
            const edited = new Set<string>();
            build.onLoad({ filter: /\.ts$/ }, (args) => {
                const fileEdits = byFile.get(args.path);
                if (!fileEdits) {
                    return undefined;
                }
                edited.add(args.path);
                return { contents: fileEdits.reduce(applySourceEdit, fs.readFileSync(args.path, "utf8")), loader: "ts" };
            });
            // A file the program no longer bundles would leave the variant the same program.
            build.onEnd(() => {
                const unused = edits.filter((edit) => !edited.has(projectPath(edit.file)));
                if (unused.length > 0) {
                    throw new Error(`bench: ${unused.map((edit) => edit.file).join(", ")} not bundled, so not edited; update scripts/bench/harness.ts`);
                }
            });
        },
    };
}
