/**
 * `npm run build`: bundles the program into bin/index.js, the entry Pulumi runs
 * (Pulumi.yaml `main`, with `typescript: false`), and the policy pack into
 * policies/bin/index.js (policies/package.json `main`). esbuild strips the types
 * and joins the project's modules into one file; packages stay in node_modules.
 * Type-checking is `npm test`'s (tsc --noEmit), not the build's.
 *
 * Beside each bundle, index.sources.json records a digest of every source it
 * was made from; the bundle refuses to run when one of them has changed since.
 */
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { BUILD_MANIFEST_FILE, BuildManifest, sourceDigest } from "../components/buildFreshness";
import { PROJECT_ROOT, projectPath } from "../components/projectRoot";

/** Where `npm run build` writes; Pulumi.yaml's `main` names the bundle in it. */
export const BUILD_DIR = projectPath("bin");
export const PROGRAM_ENTRY = "components/compiledEntry.ts";
/**
 * Pulumi's run-policy-pack always registers ts-node with type-checking, which costs seconds
 * on every `pulumi preview --policy-pack`; ts-node leaves a JavaScript `main` alone.
 */
export const POLICY_PACK_BUILD_DIR = projectPath("policies", "bin");
export const POLICY_PACK_ENTRY = "policies/compiledEntry.ts";

/** What `npm run build` makes: each entry bundled into its folder's index.js. */
export const BUILDS = [
    { entry: PROGRAM_ENTRY, outDir: BUILD_DIR },
    { entry: POLICY_PACK_ENTRY, outDir: POLICY_PACK_BUILD_DIR },
] as const;

/** Options shared by every bundle this project makes: Node 22, CommonJS, packages loaded from node_modules. */
export const BUNDLE_OPTIONS: esbuild.BuildOptions = {
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    packages: "external",
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    logLevel: "warning",
};

export interface BuildResult {
    bundle: string;
    manifest: BuildManifest;
}

/** The project-relative sources a bundle was made from, with their digests. */
export function manifestOf(metafile: esbuild.Metafile): BuildManifest {
    const sources: Record<string, string> = {};
    for (const input of Object.keys(metafile.inputs).sort()) {
        sources[input] = sourceDigest(fs.readFileSync(path.join(PROJECT_ROOT, input)));
    }
    return { sources };
}

/** The project-relative files a bundle of `entry` is made from (esbuild's metafile inputs), without writing it. */
export async function bundleInputs(entry: string = PROGRAM_ENTRY): Promise<string[]> {
    const result = await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile: path.join(BUILD_DIR, "index.js"), write: false });
    return Object.keys(result.metafile!.inputs).sort();
}

/**
 * Bundles `entry` (project-relative) to OUTDIR/index.js with its manifest. The folder
 * must be inside the project: the bundle finds the project folder by walking up.
 * `plugins` are for the bench's measurement-only variants; `npm run build` passes none.
 */
export async function buildBundle(outDir: string = BUILD_DIR, entry: string = PROGRAM_ENTRY, plugins: esbuild.Plugin[] = []): Promise<BuildResult> {
    const bundle = path.join(outDir, "index.js");
    const result = await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile: bundle, plugins });
    const manifest = manifestOf(result.metafile!);
    fs.writeFileSync(path.join(outDir, BUILD_MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
    return { bundle, manifest };
}

if (require.main === module) {
    (async () => {
        for (const { entry, outDir } of BUILDS) {
            const { bundle, manifest } = await buildBundle(outDir, entry);
            console.log(`built ${path.relative(PROJECT_ROOT, bundle)} from ${Object.keys(manifest.sources).length} sources`);
        }
    })().catch(
        (err) => {
            console.error(err instanceof Error ? err.message : err);
            process.exit(1);
        },
    );
}
