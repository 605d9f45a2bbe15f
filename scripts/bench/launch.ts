/**
 * Starts a fresh node process that loads and runs a program the way `pulumi preview`
 * does (scripts/bench/pulumiLikeRun.js), under the mock runtime. Shared by the bench
 * and by the test that checks the preview path declares what the tests see.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import type { RecordedResource } from "../mockRuntime";
import { PROJECT_ROOT } from "../mockRuntime";

const LAUNCHER = path.join(PROJECT_ROOT, "scripts", "bench", "pulumiLikeRun.js");

export interface LaunchResult {
    /** Wall time from spawn to exit, node start-up included. */
    ms: number;
    resources: number;
    transpileOnly: boolean;
    transpiler: "swc" | "typescript";
    sdks: string[];
    /** npm packages the program requires, directly or not (the launcher's own excluded), e.g. "js-yaml". */
    programPackages: string[];
    /** With `printRun`: what the program registered and exported. */
    run?: { resources: RecordedResource[]; outputs: Record<string, unknown> };
}

/** The tsconfig Pulumi's language host hands the runtime: Pulumi.yaml runtime.options.tsconfig. */
export function pulumiTsconfig(): string | undefined {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
    return project.runtime?.options?.tsconfig;
}

/**
 * Runs ENTRY in a fresh process with the engine configuration `config`. The environment is
 * the language host's: PULUMI_NODEJS_TYPESCRIPT, PULUMI_NODEJS_TSCONFIG_PATH from Pulumi.yaml;
 * `env` may override them (PULUMI_NODEJS_TRANSPILE_ONLY, PULUMI_NODEJS_TSCONFIG_PATH).
 */
export function launchLikePulumi(entry: string, config: Record<string, string>, env: Record<string, string> = {}, printRun = false): LaunchResult {
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const inherited of ["PULUMI_NODEJS_TSCONFIG_PATH", "PULUMI_NODEJS_TRANSPILE_ONLY", "TS_NODE_TRANSPILE_ONLY", "TS_NODE_PROJECT"]) {
        delete childEnv[inherited];
    }
    const tsconfig = pulumiTsconfig();
    Object.assign(childEnv, { PULUMI_NODEJS_TYPESCRIPT: "true", BENCH_CONFIG: JSON.stringify(config) }, tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: tsconfig } : {}, env);
    if (printRun) {
        childEnv.BENCH_PRINT_RUN = "1";
    }
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [LAUNCHER, entry, "homelab"], { cwd: PROJECT_ROOT, env: childEnv, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
        throw new Error(`${path.relative(PROJECT_ROOT, entry)} failed in a Pulumi-like process (exit ${result.status}):\n${result.stderr}`);
    }
    const lastLine = result.stdout.trim().split("\n").pop()!;
    return { ms, ...JSON.parse(lastLine) };
}
