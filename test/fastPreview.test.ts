import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { assertBuildCurrent, BUILD_MANIFEST_FILE, BuildManifest, readBuildManifest, sourceDigest, staleSources } from "../components/buildFreshness";
import { UserInputError } from "../components/config/errors";
import { FALCO_RULES_SCHEMA } from "../components/rules/schema";
import { draft06Ajv } from "../components/rules/draft06Ajv";
import { BUILD_DIR, BUILDS, bundleInputs, POLICY_PACK_ENTRY, PROGRAM_ENTRY } from "../scripts/build";
import { applySourceEdit, buildCompiledRun, CHART_TRANSFORM_REMOVED, CompiledRun, MeasurementVariant, PREREQUISITE_READS_REMOVED, SourceEdit } from "../scripts/bench/harness";
import { launchLikePulumi, LaunchResult, PULUMI_RUNNER, pulumiRuntimeSettings } from "../scripts/bench/launch";
import { PROJECT_ROOT, runProgram } from "../scripts/mockRuntime";
import { homelabEngineConfig } from "./support/configFixtures";
import { TYPECHECK_ARGS } from "./support/typecheck";

/** Compiler options as tsc resolves them, `extends` followed. */
function resolvedOptions(configPath: string): ts.CompilerOptions {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    expect(read.error, configPath).to.equal(undefined);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath), undefined, configPath);
    expect(parsed.errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n"))).to.deep.equal([]);
    return parsed.options;
}

function problemsOf(run: () => void): readonly string[] {
    try {
        run();
    } catch (err) {
        expect(UserInputError.isUserInputError(err), String(err)).to.equal(true);
        return (err as UserInputError).problems;
    }
    expect.fail("expected a UserInputError");
}

describe("fast preview: Pulumi runs the compiled program, the tests type-check", () => {
    it("tells Pulumi to run bin/index.js without TypeScript, the bundle npm run build writes", () => {
        const runtime = pulumiRuntimeSettings();
        expect(runtime.typescript, "Pulumi.yaml runtime.options.typescript").to.equal(false);
        expect(runtime.tsconfig, "no tsconfig: Pulumi loads no TypeScript").to.equal(undefined);
        expect(path.join(PROJECT_ROOT, runtime.main)).to.equal(path.join(BUILD_DIR, "index.js"));
        const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
        // Pulumi's nodejs runtime falls back to package.json's main when Pulumi.yaml names a folder: the same bundle.
        expect(path.join(PROJECT_ROOT, packageJson.main)).to.equal(path.join(BUILD_DIR, "index.js"));
        expect(packageJson.scripts.build).to.match(/scripts\/build\.ts$/);
        // The build's bundler is installed by npm ci, as Pulumi Deployments runs it.
        expect(packageJson.dependencies).to.have.property("esbuild");
        // A habitual plain `tsc` must not write an unchecked program over the bundle.
        expect(resolvedOptions(path.join(PROJECT_ROOT, "tsconfig.json")).noEmit, "tsconfig.json noEmit").to.equal(true);
    });

    it("keeps full type-checking in the test command: tsc --noEmit on a tsconfig without noCheck, as one of the tests", () => {
        const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
        expect(packageJson.scripts.test).to.equal("mocha");
        // Mocha runs every test/**/*.test.ts, the type-check among them.
        const mocharc = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, ".mocharc.json"), "utf8"));
        expect(mocharc.spec).to.deep.equal(["test/**/*.test.ts"]);
        expect(fs.readFileSync(path.join(PROJECT_ROOT, "test", "typecheck.test.ts"), "utf8")).to.contain("startTypecheck()");
        const args: readonly string[] = TYPECHECK_ARGS;
        expect(args).to.include("--noEmit");
        expect(args).to.not.include("--noCheck");
        const checked = path.join(PROJECT_ROOT, args[args.indexOf("-p") + 1]);
        expect(checked).to.equal(path.join(PROJECT_ROOT, "tsconfig.json"));
        expect(resolvedOptions(checked).noCheck, `${checked} must not set noCheck`).to.not.equal(true);
    });

    it("type-checks every file the bundles are made of: the program's and the policy pack's", async () => {
        const checked = new Set(
            ts
                .parseJsonConfigFileContent(ts.readConfigFile(path.join(PROJECT_ROOT, "tsconfig.json"), ts.sys.readFile).config, ts.sys, PROJECT_ROOT)
                .fileNames.map((file) => path.relative(PROJECT_ROOT, file).split(path.sep).join("/")),
        );
        expect(BUILDS.map((build) => build.entry)).to.deep.equal([PROGRAM_ENTRY, POLICY_PACK_ENTRY]);
        for (const { entry } of BUILDS) {
            const typeScript = (await bundleInputs(entry)).filter((file) => file.endsWith(".ts"));
            expect(typeScript).to.include(entry === PROGRAM_ENTRY ? "index.ts" : "policies/index.ts");
            expect(typeScript.filter((file) => !checked.has(file)), `bundled into ${entry}'s build but not type-checked by npm test`).to.deep.equal([]);
        }
    });

    describe("the compiled program, in a fresh process loaded as Pulumi loads it", function () {
        this.timeout(60000);
        let compiled: CompiledRun;
        let preview: LaunchResult;

        before(async () => {
            compiled = await buildCompiledRun(`.test-${process.pid}`);
            preview = launchLikePulumi(compiled.program, homelabEngineConfig(), { typescript: false, mockEngine: compiled.mockEngine, printRun: true });
        });

        after(() => fs.rmSync(compiled.dir, { recursive: true, force: true }));

        it("runs under Pulumi's own program runner, with its source-mapped stack traces, the mock runtime only in the engine's place", () => {
            expect(preview.runner).to.equal(PULUMI_RUNNER);
            expect(PULUMI_RUNNER).to.equal(path.join(PROJECT_ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js"));
            expect(preview.sourceMappedStackTraces, "source-map-support installed by the runner").to.equal(true);
        });

        it("declares exactly what the tests see from the sources, without ts-node", async () => {
            expect(preview.tsNode, "ts-node loaded on the preview path").to.equal(false);
            const tested = await runProgram(homelabEngineConfig());
            expect(preview.run!.resources).to.deep.equal(JSON.parse(JSON.stringify(tested.resources)));
            expect(preview.run!.outputs).to.deep.equal(JSON.parse(JSON.stringify(tested.outputs)));
        });

        it("has measurement-only builds for the bench that declare the same, each less only its feature", () => {
            const withoutEither = launchLikePulumi(compiled.variants.withoutReadsOrTransform, homelabEngineConfig(), { typescript: false, mockEngine: compiled.mockEngine, printRun: true });
            expect(withoutEither.run!.resources).to.deep.equal(preview.run!.resources);
            expect(preview.reads, "the program reads the CRDs and the event targets' Services").to.equal(4);
            expect(withoutEither.reads).to.equal(0);
            const bundleText = (file: string) => fs.readFileSync(file, "utf8");
            const removed = { withoutTransform: [CHART_TRANSFORM_REMOVED], withoutReads: [PREREQUISITE_READS_REMOVED], withoutReadsOrTransform: [CHART_TRANSFORM_REMOVED, PREREQUISITE_READS_REMOVED] };
            expect(Object.keys(compiled.variants)).to.have.members(Object.keys(removed));
            for (const edit of [CHART_TRANSFORM_REMOVED, PREREQUISITE_READS_REMOVED]) {
                expect(bundleText(compiled.program)).to.contain(edit.from);
                for (const [variant, edits] of Object.entries(removed) as [MeasurementVariant, SourceEdit[]][]) {
                    expect(bundleText(compiled.variants[variant]).includes(edit.from), `${variant}: ${edit.from}`).to.equal(!edits.includes(edit));
                }
            }
            // A source that no longer has the text (or has it twice) stops the bench instead of measuring the same program twice.
            const source = fs.readFileSync(path.join(PROJECT_ROOT, CHART_TRANSFORM_REMOVED.file), "utf8");
            expect(applySourceEdit(source, CHART_TRANSFORM_REMOVED)).to.contain(CHART_TRANSFORM_REMOVED.to).and.not.contain(CHART_TRANSFORM_REMOVED.from);
            expect(() => applySourceEdit(source.replace(CHART_TRANSFORM_REMOVED.from, "transforms: [other]"), CHART_TRANSFORM_REMOVED)).to.throw(/exactly once \(found 0\)/);
            expect(() => applySourceEdit(`${source}\n${CHART_TRANSFORM_REMOVED.from}`, CHART_TRANSFORM_REMOVED)).to.throw(/exactly once \(found 2\)/);
        });

        it("has a measurement-only entry for the bench that times the program's own work, planStack, in the same kind of process", () => {
            const { run } = launchLikePulumi(compiled.phases, { ...homelabEngineConfig(), "falco:nodes": "7" }, { typescript: false, mockEngine: compiled.mockEngine, printRun: true });
            const phases = run!.outputs.phases as Record<string, number>;
            expect(Object.keys(phases)).to.deep.equal(["buildCheckMs", "planMs"]);
            expect(Object.values(phases).every((ms) => ms > 0)).to.equal(true);
            // The configuration went through planStack.
            expect(run!.outputs.plannedNodes).to.equal(7);
        });

        it("counts, for the bench, the stack traces the runner's formatter formats, only when asked", () => {
            const resources = 3;
            const counted = launchLikePulumi(compiled.baseline, homelabEngineConfig(), {
                typescript: false,
                mockEngine: compiled.mockEngine,
                env: { BENCH_RESOURCES: String(resources), BENCH_COUNT_STACK_TRACES: "1" },
            });
            expect(preview.stackTraces, "not counted unless asked").to.equal(undefined);
            // Every registration (the root stack's too) captures its call site's trace, and more for the promises it tracks.
            expect(counted.resources).to.equal(resources);
            expect(counted.stackTraces!.traces).to.be.greaterThan(resources + 1);
            expect(counted.stackTraces!.frames).to.be.at.least(counted.stackTraces!.traces);
            // Counting wraps the runner's formatter; it does not replace it.
            expect(counted.sourceMappedStackTraces).to.equal(true);
        });

        it("does not load the yaml package: rules files are read with js-yaml, which @pulumi/pulumi loads anyway", () => {
            // Reached through @pulumi/pulumi too: the walk does follow the program into its packages.
            expect(preview.programPackages).to.include.members(["@pulumi/pulumi", "js-yaml"]);
            // Loading `yaml` and its first parse cost ~40 ms of every preview.
            expect(preview.programPackages, "npm packages that bin/index.js reaches").to.not.include("yaml");
        });

        it("records every bundled source with its digest", async () => {
            const manifest = readBuildManifest(compiled.dir)!;
            expect(Object.keys(manifest.sources)).to.deep.equal(await bundleInputs(PROGRAM_ENTRY));
            expect(manifest.sources["index.ts"]).to.equal(sourceDigest(fs.readFileSync(path.join(PROJECT_ROOT, "index.ts"))));
        });

        it("refuses to run when a source changed since the build, before declaring anything", () => {
            const manifestFile = path.join(compiled.dir, BUILD_MANIFEST_FILE);
            const current = fs.readFileSync(manifestFile, "utf8");
            const manifest: BuildManifest = JSON.parse(current);
            // As if components/falcoValues.ts had been edited after the build.
            manifest.sources["components/falcoValues.ts"] = sourceDigest("an older falcoValues.ts");
            fs.writeFileSync(manifestFile, JSON.stringify(manifest));
            try {
                expect(() => launchLikePulumi(compiled.program, homelabEngineConfig(), { typescript: false, mockEngine: compiled.mockEngine, printRun: true })).to.throw(
                    /the compiled program is out of date:\n {2}- bin\/\.test-\d+\/index\.js was built from older sources: components\/falcoValues\.ts changed since; run `npm run build`/,
                );
            } finally {
                fs.writeFileSync(manifestFile, current);
            }
        });
    });

    describe("build freshness (pure)", () => {
        const root = fs.mkdtempSync(path.join(require("os").tmpdir(), "falco-build-"));
        fs.writeFileSync(path.join(root, "a.ts"), "export const a = 1;\n");
        fs.writeFileSync(path.join(root, "b.ts"), "export const b = 2;\n");
        const manifest: BuildManifest = { sources: { "a.ts": sourceDigest("export const a = 1;\n"), "b.ts": sourceDigest("export const b = 2;\n") } };

        it("finds nothing stale when every source is as built", () => {
            expect(staleSources(manifest, root)).to.deep.equal([]);
        });

        it("names a changed and a removed source", () => {
            const changed = { sources: { ...manifest.sources, "b.ts": sourceDigest("export const b = 3;\n"), "gone.ts": sourceDigest("") } };
            expect(staleSources(changed, root)).to.deep.equal(["b.ts", "gone.ts (removed)"]);
        });

        it("refuses a bundle without a readable manifest, naming the file and the command", () => {
            const bundleDir = path.join(root, "bin");
            fs.mkdirSync(bundleDir, { recursive: true });
            expect(problemsOf(() => assertBuildCurrent(bundleDir, root))).to.deep.equal([
                `bin/${BUILD_MANIFEST_FILE}: missing or unreadable, so this build cannot be checked against the sources; accepted: a build made by \`npm run build\``,
            ]);
            fs.writeFileSync(path.join(bundleDir, BUILD_MANIFEST_FILE), "{ not json");
            expect(problemsOf(() => assertBuildCurrent(bundleDir, root))[0]).to.match(/missing or unreadable/);
            fs.writeFileSync(path.join(bundleDir, BUILD_MANIFEST_FILE), JSON.stringify(manifest));
            expect(() => assertBuildCurrent(bundleDir, root)).to.not.throw();
        });
    });

    it("leaves the rules schema's meta-schema check to the tests: the schema is valid draft-06", () => {
        const checking = draft06Ajv();
        expect(checking.validateSchema(FALCO_RULES_SCHEMA), checking.errorsText()).to.equal(true);
        // The start-up instance really skips it: it compiles a schema that breaks the meta-schema.
        expect(() => draft06Ajv(true).compile({ $schema: "http://json-schema.org/draft-06/schema#", description: 12 })).to.not.throw();
        expect(() => draft06Ajv().compile({ $schema: "http://json-schema.org/draft-06/schema#", description: 12 })).to.throw(/schema is invalid/);
    });
});
