// Runs one program in this fresh process the way Pulumi's nodejs runtime does before it
// requires the program (@pulumi/pulumi cmd/run/run.js), then under the mock runtime
// instead of an engine:
// - PULUMI_NODEJS_TYPESCRIPT=false (Pulumi.yaml runtime.options.typescript: false, this
//   project's setting): no ts-node; the entry is compiled JavaScript, and so is the mock
//   harness (BENCH_HARNESS, bundled by scripts/bench/harness.ts), so that nothing here
//   loads TypeScript tooling the real run would not.
// - PULUMI_NODEJS_TYPESCRIPT=true (only for the bench's "as before" rows): ts-node is
//   registered as run.js does: tsconfig from PULUMI_NODEJS_TSCONFIG_PATH, transpileOnly
//   from PULUMI_NODEJS_TRANSPILE_ONLY when set, else from that tsconfig's own noCheck
//   (read with Pulumi's loader), compilerOptions {}.
// Plain JavaScript, because it decides how TypeScript is loaded.
//
//   node pulumiLikeRun.js ENTRY STACK   (engine configuration as JSON in BENCH_CONFIG)
// Prints one JSON line: resources registered, whether ts-node was loaded, the @pulumi SDK
// packages loaded, the npm packages the program reaches, and with BENCH_PRINT_RUN=1 the
// recorded resources and outputs too.
"use strict";
const fs = require("fs");
const path = require("path");

const projectRoot = path.resolve(__dirname, "..", "..");
process.chdir(projectRoot);
const [entry, stack] = process.argv.slice(2);
const typeScript = process.env.PULUMI_NODEJS_TYPESCRIPT === "true";

let harness = process.env.BENCH_HARNESS;
if (typeScript) {
    const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH || "tsconfig.json";
    const skipProject = !fs.existsSync(tsConfigPath);
    const compilerOptions = require("@pulumi/pulumi/tsutils").loadTypeScriptCompilerOptions(tsConfigPath);
    const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck;
    const options = { compiler: "typescript", transpileOnly, project: tsConfigPath, skipProject, compilerOptions: {} };
    // Only for the bench's type-checked row: ts-node without the tsconfig's swc.
    if (process.env.BENCH_TS_NODE_SWC === "false") {
        options.swc = false;
    }
    require("ts-node").register(options);
    harness = harness || path.join(projectRoot, "scripts", "mockRuntime.ts");
} else if (!harness) {
    console.error("pulumiLikeRun: BENCH_HARNESS (the bundled mock harness) is required without TypeScript");
    process.exit(2);
}

/**
 * npm packages that ENTRY requires, directly or through other modules. Walked from the
 * program's module rather than read from require.cache, so that what this launcher and the
 * mock runtime load themselves does not count; Node records a child on every require, also
 * of a module already cached, so a package the launcher loaded first is still found.
 */
function packagesOfProgram(entryModule) {
    const packages = new Set();
    const seen = new Set();
    const pending = [entryModule];
    while (pending.length > 0) {
        const module = pending.pop();
        if (seen.has(module)) {
            continue;
        }
        seen.add(module);
        const match = /.*node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(module.filename);
        if (match) {
            packages.add(match[1].replace(/\\/g, "/"));
        }
        pending.push(...module.children);
    }
    return [...packages].sort();
}

const { runProgram } = require(harness);
runProgram(JSON.parse(process.env.BENCH_CONFIG || "{}"), stack, path.resolve(entry)).then(
    (run) => {
        const sdks = new Set();
        let tsNode = false;
        for (const id of Object.keys(require.cache)) {
            const match = /node_modules[\\/]@pulumi[\\/]([^\\/]+)[\\/]/.exec(id);
            if (match) {
                sdks.add(`@pulumi/${match[1]}`);
            }
            tsNode ||= /node_modules[\\/]ts-node[\\/]/.test(id);
        }
        const programPackages = packagesOfProgram(require.cache[require.resolve(path.resolve(entry))]);
        const summary = { resources: run.resources.length, tsNode, sdks: [...sdks].sort(), programPackages };
        const full = process.env.BENCH_PRINT_RUN === "1" ? { run: { resources: run.resources, outputs: run.outputs } } : {};
        process.stdout.write(JSON.stringify({ ...summary, ...full }) + "\n");
    },
    (err) => {
        console.error(err && err.message ? err.message : err);
        process.exit(1);
    },
);
