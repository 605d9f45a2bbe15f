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
    /** Whether ts-node was loaded (Pulumi registers it only for `typescript: true`). */
    tsNode: boolean;
    sdks: string[];
    /** npm packages the program requires, directly or not (the launcher's own excluded), e.g. "js-yaml". */
    programPackages: string[];
    /** With `printRun`: what the program registered and exported. */
    run?: { resources: RecordedResource[]; outputs: Record<string, unknown> };
}

/** What Pulumi.yaml tells Pulumi's nodejs runtime: whether to load TypeScript, and the program it runs. */
export interface PulumiRuntimeSettings {
    /** runtime.options.typescript (Pulumi's default: true). */
    typescript: boolean;
    /** `main`, project-relative (Pulumi's default: the project folder). */
    main: string;
    /** runtime.options.tsconfig, when set. */
    tsconfig?: string;
}

export function pulumiRuntimeSettings(projectFile = path.join(PROJECT_ROOT, "Pulumi.yaml")): PulumiRuntimeSettings {
    const project = YAML.parse(fs.readFileSync(projectFile, "utf8"));
    const options = project.runtime?.options ?? {};
    return { typescript: options.typescript ?? true, main: project.main ?? ".", tsconfig: options.tsconfig };
}

export interface LaunchOptions {
    /** As runtime.options.typescript: false runs ENTRY as JavaScript, with the bundled `harness`. */
    typescript: boolean;
    /** The bundled mock harness (required without TypeScript). */
    harness?: string;
    /** Extra environment, e.g. PULUMI_NODEJS_TRANSPILE_ONLY or BENCH_RESOURCES. */
    env?: Record<string, string>;
    printRun?: boolean;
}

/** Runs ENTRY in a fresh process with the engine configuration `config`, as the language host would start it. */
export function launchLikePulumi(entry: string, config: Record<string, string>, options: LaunchOptions): LaunchResult {
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const inherited of ["PULUMI_NODEJS_TSCONFIG_PATH", "PULUMI_NODEJS_TRANSPILE_ONLY", "TS_NODE_TRANSPILE_ONLY", "TS_NODE_PROJECT", "BENCH_HARNESS"]) {
        delete childEnv[inherited];
    }
    Object.assign(childEnv, { PULUMI_NODEJS_TYPESCRIPT: String(options.typescript), BENCH_CONFIG: JSON.stringify(config) }, options.env ?? {});
    if (options.harness) {
        childEnv.BENCH_HARNESS = options.harness;
    }
    if (options.printRun) {
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
