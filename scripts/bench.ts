/**
 * `npm run bench [-- --rounds N] [-- --no-suite]`: start-up and size figures, side by side in one run.
 *
 *  (a) the program's evaluation as `pulumi preview` runs it: a fresh node process that loads
 *      TypeScript as Pulumi's nodejs runtime does (tsconfig from Pulumi.yaml, transpile-only
 *      from its noCheck) and runs index.ts under the mock runtime with the homelab config;
 *  (b) a baseline program in the same kind of process, loading the same Pulumi SDKs and
 *      declaring one resource.
 * Rounds alternate (a) and (b) after one warm-up each; medians are reported. Also: the same
 * (a) with type-checking forced on (what every preview paid before), program evaluation and
 * render size at several node counts, the policy checker on 1,000 objects, and the full
 * test suite's wall time. The last line is `ratio: X.XX`, (a)/(b).
 *
 * Figures only; no test asserts on time.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { launchLikePulumi, pulumiTsconfig } from "./bench/launch";
import { PROJECT_ROOT, resolveConfig, runProgram } from "./mockRuntime";
import { benchPolicyCheck, POLICY_CHECK_TARGET_MS, PolicyBenchResult } from "./bench-policy";
import { CUSTOM_RULE_COUNTS, evaluateAndRender, NODE_COUNTS, withCustomRules } from "./bench/growth";

const PROGRAM = path.join(PROJECT_ROOT, "index.ts");
const BASELINE = path.join(PROJECT_ROOT, "scripts", "bench", "baselineProgram.ts");
const HOMELAB = path.join(PROJECT_ROOT, "Pulumi.homelab.yaml");

export function median(values: number[]): number {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const launch = launchLikePulumi;
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

async function main(): Promise<void> {
    const { rounds, suite } = parseArgs(process.argv.slice(2));
    const config = resolveConfig(HOMELAB);
    console.log(`bench: node ${process.version}, ${rounds} rounds, medians; Pulumi-read tsconfig: ${pulumiTsconfig() ?? "tsconfig.json (default)"}`);

    // Warm-up (file cache), and the SDK list for the baseline.
    const warm = launch(PROGRAM, config);
    const sdkEnv = { BENCH_SDKS: warm.sdks.join(",") };
    launch(BASELINE, config, sdkEnv);
    const program: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < rounds; i++) {
        program.push(launch(PROGRAM, config).ms);
        baseline.push(launch(BASELINE, config, sdkEnv).ms);
    }
    // The same baseline with as many (trivial) resources as the program: what registering them costs.
    const sameCount: number[] = [];
    for (let i = 0; i < rounds; i++) {
        sameCount.push(launch(BASELINE, config, { ...sdkEnv, BENCH_RESOURCES: String(warm.resources) }).ms);
    }
    const typeChecked: number[] = [];
    for (let i = 0; i < Math.min(rounds, 3); i++) {
        // As before this project chose how Pulumi loads it: tsconfig.json, type-checked by ts-node with the TypeScript compiler.
        typeChecked.push(launch(PROGRAM, config, { PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.json", PULUMI_NODEJS_TRANSPILE_ONLY: "false", BENCH_TS_NODE_SWC: "false" }).ms);
    }

    console.log("\ngrowth: program evaluation and render, in-process (after one warm-up evaluation)");
    await evaluateAndRender(config);
    const row = (label: string, p: { ms: number; resources: number; renderBytes: number }) =>
        console.log(`  ${label.padEnd(18)} ${p.ms.toFixed(0).padStart(5)} ms  ${String(p.resources).padStart(3)} resources  ${String(p.renderBytes).padStart(8)} render bytes`);
    for (const nodes of NODE_COUNTS) {
        row(`nodes ${nodes}`, await evaluateAndRender({ ...config, "falco:nodes": String(nodes) }));
    }
    for (const rules of CUSTOM_RULE_COUNTS) {
        row(`custom rules ${rules}`, await withCustomRules(rules, () => evaluateAndRender(config)));
    }

    console.log(`\npolicy checker, 1,000 objects: ${policyFigure(rounds)}`);

    if (suite) {
        const started = process.hrtime.bigint();
        const result = spawnSync("npm", ["test", "--silent"], { cwd: PROJECT_ROOT, encoding: "utf8" });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const counts = ["passing", "failing", "pending"].map((word) => new RegExp(`(\\d+) ${word}`).exec(result.stdout)?.[0]).filter((c) => c);
        console.log(`full test suite (npm test, type-check included): ${seconds(ms)} wall, exit ${result.status}, ${counts.join(", ")} (target < 30s)`);
    }

    const a = median(program);
    const b = median(baseline);
    console.log(`\n(a) program as pulumi preview runs it (${warm.resources} resources, transpileOnly ${warm.transpileOnly}): median ${seconds(a)}, fastest ${seconds(Math.min(...program))}  [${program.map(seconds).join(" ")}]  (target < 1.5s)`);
    console.log(`(b) baseline, same SDKs (${warm.sdks.join(", ")}), one resource: median ${seconds(b)}, fastest ${seconds(Math.min(...baseline))}  [${baseline.map(seconds).join(" ")}]`);
    console.log(`for comparison, (b) with ${warm.resources} trivial resources instead of one: median ${seconds(median(sameCount))}  [${sameCount.map(seconds).join(" ")}]`);
    console.log(`for comparison, (a) with type-checking (tsconfig.json, as before): median ${seconds(median(typeChecked))}  [${typeChecked.map(seconds).join(" ")}]`);
    console.log(`ratio: ${(a / b).toFixed(2)}`);
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
