/**
 * `npm run bench [-- --rounds N] [-- --no-suite]`: start-up and size figures, side by side in one run.
 *
 *  (a) the program's evaluation as `pulumi preview` runs it: Pulumi.yaml says `typescript: false`
 *      and `main: bin/index.js`, so a fresh node process, without ts-node, runs the bundle that
 *      `npm run build` makes (built afresh here, with the same function), under the mock runtime
 *      with the homelab config;
 *  (b) a baseline program in the same kind of process, bundled the same way, loading the same
 *      Pulumi SDKs and declaring one resource.
 * Rounds alternate (a) and (b) after one warm-up each; medians are reported. Also: (b) with as
 * many resources as (a); (a) without the Chart's transform, without the prerequisite reads, and
 * without either, measurement only (in the same rounds);
 * the program's own work before it declares anything (build check, planStack), timed cold;
 * the stack traces each side has source-map-support format (counted in untimed runs);
 * (a) as it ran before the compiled entry (ts-node transpile-only with swc) and with
 * type-checking (what every preview paid at first); program evaluation and render size
 * at several node and rule counts; the policy checker on 1,000 objects; the policy pack's start-up,
 * compiled and type-checked as before; the full test suite's
 * wall time. The last line is `ratio: X.XX`, (a)/(b).
 *
 * Figures only; no test asserts on time.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { launchLikePulumi, LaunchOptions, pulumiRuntimeSettings } from "./bench/launch";
import type { StackTraceCount } from "./bench/mockEngine";
import { buildCompiledRun, MEASUREMENT_VARIANTS, MeasurementVariant } from "./bench/harness";
import { PROJECT_ROOT, resolveConfig } from "./mockRuntime";
import { benchPolicyCheck, POLICY_CHECK_TARGET_MS, PolicyBenchResult } from "./bench-policy";
import { CUSTOM_RULE_COUNTS, evaluateAndRender, Growth, GrowthPoint, measureGrowth, NODE_COUNTS } from "./bench/growth";
import { startPolicyPack } from "./bench/policyPackProcess";
import { buildBundle, POLICY_PACK_BUILD_DIR, POLICY_PACK_ENTRY } from "./build";

const PROGRAM_SOURCE = path.join(PROJECT_ROOT, "index.ts");
const HOMELAB = path.join(PROJECT_ROOT, "Pulumi.homelab.yaml");

export function median(values: number[]): number {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

function parseArgs(argv: string[]): { rounds: number; suite: boolean } {
    let rounds = 5;
    let suite = true;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--rounds" && /^[1-9]\d*$/.test(argv[i + 1] ?? "")) {
            rounds = Number(argv[++i]);
        } else if (argv[i] === "--no-suite") {
            suite = false;
        } else {
            throw new Error(`bench: unknown argument "${argv[i]}"; usage: npm run bench -- [--rounds N] [--no-suite]`);
        }
    }
    return { rounds, suite };
}

/** The policy pack's checker (issue 6's benchPolicyCheck) on 1,000 objects, median of several rounds. */
function policyFigure(rounds: number): string {
    const times: number[] = [];
    let last: PolicyBenchResult | undefined;
    for (let i = 0; i < rounds; i++) {
        last = benchPolicyCheck(1000);
        times.push(last.milliseconds);
    }
    return `median ${seconds(median(times))} [${times.map(seconds).join(" ")}], ${last!.objects} objects, ${last!.violations} violations (target < ${seconds(POLICY_CHECK_TARGET_MS)})`;
}

/** Milliseconds until the pack serves, started as `pulumi preview --policy-pack` starts it, on `program` (relative to policies/). */
async function policyPackStartMs(program: string): Promise<number> {
    const { child, ms } = await startPolicyPack(program);
    await new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill();
    });
    return ms;
}

/**
 * The pack's start-up, which every `pulumi preview --policy-pack` pays: the compiled pack (built here with the
 * build's function, beside where `npm run build` writes) against policies/index.ts, type-checked by the ts-node
 * that run-policy-pack registers (how Pulumi ran the pack before it was compiled).
 */
async function policyPackStartFigure(rounds: number): Promise<string> {
    const dir = path.join(POLICY_PACK_BUILD_DIR, "bench");
    fs.rmSync(dir, { recursive: true, force: true });
    await buildBundle(dir, POLICY_PACK_ENTRY);
    const program = path.relative(path.dirname(POLICY_PACK_BUILD_DIR), path.join(dir, "index.js"));
    await policyPackStartMs(program); // warm-up (file cache)
    const compiled: number[] = [];
    for (let i = 0; i < rounds; i++) {
        compiled.push(await policyPackStartMs(program));
    }
    const typeChecked: number[] = [];
    for (let i = 0; i < Math.min(rounds, 3); i++) {
        typeChecked.push(await policyPackStartMs("index.ts"));
    }
    const a = median(compiled);
    const b = median(typeChecked);
    return `compiled (${program}) median ${seconds(a)} [${compiled.map(seconds).join(" ")}]; index.ts type-checked, as before: median ${seconds(b)} [${typeChecked.map(seconds).join(" ")}]; ratio ${(a / b).toFixed(2)}`;
}

async function main(): Promise<void> {
    const { rounds, suite } = parseArgs(process.argv.slice(2));
    const config = resolveConfig(HOMELAB);
    const runtime = pulumiRuntimeSettings();
    if (runtime.typescript || runtime.main !== "bin/index.js") {
        throw new Error(`bench: Pulumi.yaml no longer runs the compiled program (typescript ${runtime.typescript}, main ${runtime.main}); update the bench`);
    }
    const buildStarted = process.hrtime.bigint();
    const compiled = await buildCompiledRun("bench");
    const buildMs = Number(process.hrtime.bigint() - buildStarted) / 1e6;
    console.log(`bench: node ${process.version}, ${rounds} rounds, medians; Pulumi.yaml: typescript false, main ${runtime.main}; build of the program, baseline and mock engine: ${buildMs.toFixed(0)} ms`);

    const js: LaunchOptions = { typescript: false, mockEngine: compiled.mockEngine };
    const launch = (entry: string, options: LaunchOptions = js) => launchLikePulumi(entry, config, options);
    // Warm-up (file cache), and the SDK list for the baseline.
    const warm = launch(compiled.program);
    const sdkEnv = { BENCH_SDKS: warm.sdks.join(",") };
    launch(compiled.baseline, { ...js, env: sdkEnv });
    const variantNames = Object.keys(compiled.variants) as MeasurementVariant[];
    variantNames.forEach((variant) => launch(compiled.variants[variant]));
    const program: number[] = [];
    const baseline: number[] = [];
    const variants = Object.fromEntries(variantNames.map((variant) => [variant, [] as number[]])) as Record<MeasurementVariant, number[]>;
    for (let i = 0; i < rounds; i++) {
        program.push(launch(compiled.program).ms);
        baseline.push(launch(compiled.baseline, { ...js, env: sdkEnv }).ms);
        variantNames.forEach((variant) => variants[variant].push(launch(compiled.variants[variant]).ms));
    }
    // The program's own work before it declares anything, cold in a fresh process each time.
    const buildCheck: number[] = [];
    const plan: number[] = [];
    for (let i = 0; i < rounds; i++) {
        const { buildCheckMs, planMs } = launch(compiled.phases, { ...js, printRun: true }).run!.outputs.phases as { buildCheckMs: number; planMs: number };
        buildCheck.push(buildCheckMs);
        plan.push(planMs);
    }
    // The same baseline with as many (trivial) resources as the program: what registering them costs.
    const sameCount: number[] = [];
    for (let i = 0; i < rounds; i++) {
        sameCount.push(launch(compiled.baseline, { ...js, env: { ...sdkEnv, BENCH_RESOURCES: String(warm.resources) } }).ms);
    }
    // Untimed: the stack traces that source-map-support formats on each side (counting wraps the formatter).
    const counted = (entry: string, env: Record<string, string> = {}) => launch(entry, { ...js, env: { ...env, BENCH_COUNT_STACK_TRACES: "1" } }).stackTraces!;
    const traces = {
        program: counted(compiled.program),
        baseline: counted(compiled.baseline, sdkEnv),
        sameCount: counted(compiled.baseline, { ...sdkEnv, BENCH_RESOURCES: String(warm.resources) }),
    };
    // As the program ran before: index.ts through ts-node, transpile-only with swc (tsconfig.json's ts-node section)...
    const transpiled: number[] = [];
    for (let i = 0; i < Math.min(rounds, 3); i++) {
        transpiled.push(launch(PROGRAM_SOURCE, { ...js, typescript: true, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } }).ms);
    }
    // ...and as Pulumi's default runs a TypeScript program: type-checked by ts-node with the TypeScript compiler.
    // Pulumi's runner hands ts-node the tsconfig, whose "ts-node" section picks swc (which never type-checks),
    // so this row names a tsconfig that extends the project's without it.
    const typeCheckTsconfig = path.join(compiled.dir, "tsconfig.typecheck.json");
    fs.writeFileSync(typeCheckTsconfig, JSON.stringify({ extends: path.relative(compiled.dir, path.join(PROJECT_ROOT, "tsconfig.json")), "ts-node": { swc: false } }));
    const typeChecked: number[] = [];
    for (let i = 0; i < Math.min(rounds, 3); i++) {
        typeChecked.push(launch(PROGRAM_SOURCE, { ...js, typescript: true, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false", PULUMI_NODEJS_TSCONFIG_PATH: typeCheckTsconfig } }).ms);
    }

    const growthRounds = Math.min(rounds, 5);
    console.log(`\ngrowth: program evaluation and render, in-process (after one warm-up evaluation), median of ${growthRounds}`);
    await evaluateAndRender(config);
    const growths: Growth[] = [];
    for (let i = 0; i < growthRounds; i++) {
        growths.push(await measureGrowth(config));
    }
    // Counts and bytes are the same in every round; the time is the median over the rounds.
    const row = (label: string, points: GrowthPoint[]) => {
        const ms = median(points.map((p) => p.ms));
        console.log(`  ${label.padEnd(18)} ${ms.toFixed(0).padStart(5)} ms  ${String(points[0].resources).padStart(3)} resources  ${String(points[0].renderBytes).padStart(8)} render bytes`);
    };
    NODE_COUNTS.forEach((nodes, i) => row(`nodes ${nodes}`, growths.map((g) => g.nodes[i])));
    CUSTOM_RULE_COUNTS.forEach((rules, i) =>
        growths[0].rules ? row(`custom rules ${rules}`, growths.map((g) => g.rules![i])) : console.log(`  custom rules ${rules}: not measured, rules/ holds ${growths[0].customRulesInFolder}`),
    );

    console.log(`\npolicy checker, 1,000 objects: ${policyFigure(rounds)}`);
    console.log(`policy pack start-up, until it serves, as pulumi preview --policy-pack starts it: ${await policyPackStartFigure(rounds)}`);

    if (suite) {
        const started = process.hrtime.bigint();
        const result = spawnSync("npm", ["test", "--silent"], { cwd: PROJECT_ROOT, encoding: "utf8" });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const counts = ["passing", "failing", "pending"].map((word) => new RegExp(`(\\d+) ${word}`).exec(result.stdout)?.[0]).filter((c) => c);
        console.log(`full test suite (npm test, type-check included): ${seconds(ms)} wall, exit ${result.status}, ${counts.join(", ")} (target < 30s)`);
    }

    const a = median(program);
    const b = median(baseline);
    console.log(`\n(a) program as pulumi preview runs it (bin/index.js, ${warm.resources} resources, ts-node loaded: ${warm.tsNode}): median ${seconds(a)}, fastest ${seconds(Math.min(...program))}  [${program.map(seconds).join(" ")}]  (target < 1.5s)`);
    console.log(`(b) baseline, same SDKs (${warm.sdks.join(", ")}), one resource: median ${seconds(b)}, fastest ${seconds(Math.min(...baseline))}  [${baseline.map(seconds).join(" ")}]`);
    console.log(`for comparison, (b) with ${warm.resources} trivial resources instead of one: median ${seconds(median(sameCount))}  [${sameCount.map(seconds).join(" ")}]`);
    for (const variant of variantNames) {
        const times = variants[variant];
        console.log(`for comparison, measurement only, (a) without ${MEASUREMENT_VARIANTS[variant].leavesOut}: median ${seconds(median(times))}, ratio to (b) ${(median(times) / b).toFixed(2)}  [${times.map(seconds).join(" ")}]`);
    }
    console.log(`for comparison, (a) as before: index.ts through ts-node, transpile-only, swc: median ${seconds(median(transpiled))}  [${transpiled.map(seconds).join(" ")}]`);
    console.log(`for comparison, (a) type-checked by ts-node (Pulumi's default for TypeScript): median ${seconds(median(typeChecked))}  [${typeChecked.map(seconds).join(" ")}]`);
    const ownMs = median(buildCheck) + median(plan);
    console.log(
        `of (a) - (b) = ${(a - b).toFixed(0)} ms, the program's own work before it declares anything (scripts/bench/phases.ts, cold in a fresh process): build check ${median(buildCheck).toFixed(1)} ms, planStack (configuration, rules, chart values, footprint) ${median(plan).toFixed(1)} ms; the other ${(a - b - ownMs).toFixed(0)} ms are loading the program and declaring what it plans`,
    );
    const tracesFigure = ({ traces, frames }: StackTraceCount) => `${traces} traces, ${frames} frames`;
    console.log(
        `stack traces the SDK captures, each formatted frame by frame by source-map-support (the runner's; counted in untimed runs): (a) ${tracesFigure(traces.program)}; (b) ${tracesFigure(traces.baseline)}; (b) with ${warm.resources} trivial resources ${tracesFigure(traces.sameCount)}`,
    );
    // Each round's (a) and (b) ran back to back, so their ratio is less exposed to the machine's load changing over the run.
    const paired = program.map((ms, i) => ms / baseline[i]);
    console.log(`(a)/(b) round by round: median ${median(paired).toFixed(2)}, lowest ${Math.min(...paired).toFixed(2)}, highest ${Math.max(...paired).toFixed(2)}`);
    console.log(`ratio: ${(a / b).toFixed(2)}`);
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
