/**
 * Starts a fresh node process running Pulumi's own program runner (`@pulumi/pulumi/cmd/run`,
 * what the nodejs language host starts for `pulumi preview`) on a program, with the mock
 * runtime preloaded in the engine's place (scripts/bench/mockEngine.ts). Shared by the bench
 * and by the test that checks the preview path declares what the tests see.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import type { RecordedResource } from "../mockRuntime";
import type { StackTraceCount } from "./mockEngine";
import { MOCK_ORGANIZATION, PROJECT_NAME, PROJECT_ROOT } from "../mockRuntime";

/** Pulumi's program runner, as the nodejs language host finds it: in the project's own @pulumi/pulumi. */
export const PULUMI_RUNNER = require.resolve("@pulumi/pulumi/cmd/run", { paths: [PROJECT_ROOT] });

export interface LaunchResult {
    /** Wall time from spawn to exit, node start-up included. */
    ms: number;
    resources: number;
    /** Reads of existing cluster objects (`Resource.get`), which are not registrations. */
    reads: number;
    /** Whether ts-node was loaded (Pulumi registers it only for `typescript: true`). */
    tsNode: boolean;
    sdks: string[];
    /** npm packages the program requires, directly or not (the runner's and the mock engine's own excluded), e.g. "js-yaml". */
    programPackages: string[];
    /** The process's main module: Pulumi's program runner. */
    runner: string;
    /** Whether errors' stacks went through source-map-support, as Pulumi's runner sets up. */
    sourceMappedStackTraces: boolean;
    /** With BENCH_COUNT_STACK_TRACES=1 in `env`: the stack traces that formatter formatted. */
    stackTraces?: StackTraceCount;
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
    /** runtime.options.typescript: false runs ENTRY as JavaScript; true lets Pulumi's runner register ts-node. */
    typescript: boolean;
    /** The bundled mock engine (CompiledRun.mockEngine), preloaded into the runner. */
    mockEngine: string;
    /** Extra environment, e.g. PULUMI_NODEJS_TRANSPILE_ONLY, PULUMI_NODEJS_TSCONFIG_PATH or BENCH_RESOURCES. */
    env?: Record<string, string>;
    printRun?: boolean;
}

/** Runs ENTRY in a fresh process with the engine configuration `config`, as the language host starts Pulumi's runner. */
export function launchLikePulumi(entry: string, config: Record<string, string>, options: LaunchOptions, stack = "homelab"): LaunchResult {
    const childEnv: NodeJS.ProcessEnv = {};
    // Nothing of this process's Pulumi or ts-node settings leaks in (TRACEPARENT would turn tracing on).
    for (const [key, value] of Object.entries(process.env)) {
        if (!/^(PULUMI_|TS_NODE_|BENCH_|TRACEPARENT$)/.test(key)) {
            childEnv[key] = value;
        }
    }
    Object.assign(
        childEnv,
        { PULUMI_NODEJS_TYPESCRIPT: String(options.typescript), PULUMI_CONFIG: JSON.stringify(config), BENCH_PROGRAM: path.resolve(entry), BENCH_STACK: stack },
        options.printRun ? { BENCH_PRINT_RUN: "1" } : {},
        options.env ?? {},
    );
    const runnerArgs = [
        "--monitor=mock",
        `--organization=${MOCK_ORGANIZATION}`,
        `--project=${PROJECT_NAME}`,
        `--stack=${stack}`,
        `--root-directory=${PROJECT_ROOT}`,
        `--pwd=${PROJECT_ROOT}`,
        "--dry-run",
        path.resolve(entry),
    ];
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["-r", path.resolve(options.mockEngine), PULUMI_RUNNER, ...runnerArgs], {
        cwd: PROJECT_ROOT,
        env: childEnv,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
        throw new Error(`${path.relative(PROJECT_ROOT, entry)} failed under Pulumi's program runner (exit ${result.status}):\n${result.stderr}`);
    }
    const lastLine = result.stdout.trim().split("\n").pop()!;
    return { ms, ...JSON.parse(lastLine) };
}
