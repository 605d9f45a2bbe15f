/**
 * Preloaded (`node -r`) into Pulumi's own program runner, `@pulumi/pulumi/cmd/run`, which the
 * nodejs language host starts for `pulumi preview`: the mock runtime takes the engine's place,
 * and everything else is Pulumi's - its OpenTelemetry and source-map-support set-up, the V8
 * inspector session it opens before the program, ts-node when asked, loading the program,
 * the root stack resource and the shutdown handshake. Bundled by scripts/bench/harness.ts, so
 * that nothing here loads TypeScript tooling the real run would not.
 *
 * Started by scripts/bench/launch.ts; configuration comes as the engine gives it (PULUMI_CONFIG).
 * When the process exits it prints one JSON line: resources registered, reads, whether ts-node was
 * loaded, the @pulumi SDK packages loaded, the npm packages the program reaches, with
 * BENCH_COUNT_STACK_TRACES=1 the stack traces formatted, and with BENCH_PRINT_RUN=1 the
 * recorded resources and the stack outputs.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installMockEngine, redactSecrets, ROOT_STACK_TYPE } from "../mockRuntime";

const program = process.env.BENCH_PROGRAM;
const stack = process.env.BENCH_STACK;
if (!program || !stack) {
    console.error("mockEngine: BENCH_PROGRAM (the program's file) and BENCH_STACK are required");
    process.exit(2);
}

const recording = installMockEngine(stack);
const stackTraces = process.env.BENCH_COUNT_STACK_TRACES === "1" ? countFormattedStackTraces() : undefined;

export interface StackTraceCount {
    /** Stack traces formatted by the formatter the runner installed (V8 formats one when its `stack` is first read). */
    traces: number;
    /** Their frames, each of which the formatter maps. */
    frames: number;
}

/**
 * Counts what the stack-trace formatter that Pulumi's runner installs (source-map-support's) formats:
 * the SDK reads `new Error().stack` for every promise it tracks and every resource it registers, and each
 * of those goes through the formatter, frame by frame. Counting wraps the formatter, which costs a little
 * on every trace, so the bench counts in runs of their own and never in the timed ones.
 */
function countFormattedStackTraces(): StackTraceCount {
    const count: StackTraceCount = { traces: 0, frames: 0 };
    let installed: ((error: Error, frames: NodeJS.CallSite[]) => unknown) | undefined;
    const counting = (error: Error, frames: NodeJS.CallSite[]) => {
        count.traces++;
        count.frames += frames.length;
        return installed!(error, frames);
    };
    // Node's own formatting applies while none is installed, as without the wrapper.
    Object.defineProperty(Error, "prepareStackTrace", {
        configurable: true,
        get: () => (installed ? counting : undefined),
        set: (formatter) => {
            installed = typeof formatter === "function" ? formatter : undefined;
        },
    });
    return count;
}

// The program's stack outputs reach the engine as the root stack resource's outputs.
let stackOutputs: Record<string, unknown> = {};
const monitor = pulumi.runtime.getMonitor() as any;
const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
monitor.registerResourceOutputs = (req: any, callback: unknown) => {
    if (req.getUrn().includes(`::${ROOT_STACK_TYPE}::`)) {
        const decoded = pulumi.runtime.deserializeProperties(req.getOutputs(), true);
        stackOutputs = redactSecrets(decoded, recording.secretValues) as Record<string, unknown>;
    }
    return registerResourceOutputs(req, callback);
};

// Reads (`Resource.get`) are not registrations, so the record leaves them out; counted, so that a test can see them.
let reads = 0;
const readResource = monitor.readResource.bind(monitor);
monitor.readResource = (req: unknown, callback: unknown) => {
    reads++;
    return readResource(req, callback);
};

/**
 * npm packages that the program requires, directly or through other modules. Walked from the
 * program's module rather than read from require.cache, so that what Pulumi's runner and this
 * preload load themselves does not count; Node records a child on every require, also of a
 * module already cached, so a package loaded first by the runner is still found.
 */
function packagesOfProgram(entryModule: NodeModule | undefined): string[] {
    const packages = new Set<string>();
    const seen = new Set<NodeModule>();
    const pending = entryModule ? [entryModule] : [];
    while (pending.length > 0) {
        const module = pending.pop()!;
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

process.on("exit", (code) => {
    if (code !== 0) {
        return;
    }
    const sdks = new Set<string>();
    let tsNode = false;
    for (const id of Object.keys(require.cache)) {
        const match = /node_modules[\\/]@pulumi[\\/]([^\\/]+)[\\/]/.exec(id);
        if (match) {
            sdks.add(`@pulumi/${match[1]}`);
        }
        tsNode ||= /node_modules[\\/]ts-node[\\/]/.test(id);
    }
    const programPackages = packagesOfProgram(require.cache[path.resolve(program)]);
    // What ran the program, seen from inside: the script node started (Pulumi's runner keeps argv[1]), and the
    // stack-trace formatter it installs (source-map-support's; Node's own leaves it unset).
    const runner = process.argv[1];
    const sourceMappedStackTraces = typeof Error.prepareStackTrace === "function" && Object.keys(require.cache).some((id) => /[\\/]source-map-support[\\/]/.test(id));
    const summary = { resources: recording.resources.length, reads, tsNode, sdks: [...sdks].sort(), programPackages, runner, sourceMappedStackTraces, stackTraces };
    const full = process.env.BENCH_PRINT_RUN === "1" ? { run: { resources: recording.resources, outputs: stackOutputs } } : {};
    // Synchronous: the process is exiting.
    fs.writeSync(1, JSON.stringify({ ...summary, ...full }) + "\n");
});
