/**
 * Runs the real Pulumi program under Pulumi's mock runtime and records what it
 * declares. Shared by the offline render and every test that evaluates the
 * program, so both see exactly the same thing.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../components/projectRoot";

export { PROJECT_ROOT };
export const PROJECT_NAME = "falco";
/** The Pulumi organization the mock runtime reports (pulumi.getOrganization()). */
export const MOCK_ORGANIZATION = "homelab-org";

/** Pulumi's marker for a secret value in serialized properties. */
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
export const SECRET_PLACEHOLDER = "[secret]";

export interface RecordedResource {
    type: string;
    name: string;
    /** URN of the parent resource, or null for a resource without one. */
    parent: string | null;
    inputs: Record<string, unknown>;
}

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    /** Values of every secret seen, so that tests can search the render for leaks. */
    secretValues: unknown[];
    /** Every value the mock provider computed in place of a real one (generated passwords). */
    providerGenerated: string[];
    /** Transforms registered on each resource, by resource name; the engine would run them on its children. */
    transforms: Record<string, pulumi.ResourceTransform[]>;
    /** URNs each registration depends on (explicit dependsOn and inputs' resources), by type and name. */
    dependencies: Array<{ type: string; name: string; dependsOn: string[] }>;
    /** `type::name` of every resource registered with the `protect` option. */
    protectedResources: string[];
    /** What the program logged with pulumi.log.warn: `pulumi preview` shows these as warnings. */
    warnings: string[];
}

/** Without an engine (the mock runtime), pulumi.log.warn writes its message to console.warn after this prefix. */
export const RUNTIME_WARNING_PREFIX = "warning: [runtime] ";

export const RANDOM_PASSWORD_TYPE = "random:index/randomPassword:RandomPassword";
export const HELM_CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/**
 * Stands in for the random provider, which computes `result` only in a real
 * deployment: deterministic per resource name and keepers (so a rotation shows
 * as a new value), and distinctive, so that a search for it cannot match by chance.
 */
export function fakeRandomPassword(name: string, inputs: Record<string, unknown>): string {
    const digest = createHash("sha256").update(JSON.stringify([name, inputs.keepers ?? null])).digest("hex");
    const length = typeof inputs.length === "number" ? inputs.length : 16;
    return `MOCKPW${digest}`.slice(0, Math.max(length, 16));
}

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";
/** The root resource that Pulumi's program runner declares around every program. */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export class StackFileError extends Error {}

/**
 * Resolves configuration as the Pulumi CLI does: project defaults from
 * Pulumi.yaml, then the stack file's values, key by key (a stack value replaces
 * the default whole). Returns the engine's form: every value as a string.
 */
export function resolveConfig(stackFile: string, projectFile = path.join(PROJECT_ROOT, "Pulumi.yaml")): Record<string, string> {
    const readYaml = (file: string): any => {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (err) {
            throw new StackFileError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
        }
        try {
            // Required here, not at the top: the bench loads this harness for the program and the baseline
            // alike, and a package loaded by the harness would hide its cost from the program's figure.
            const YAML = require("yaml") as typeof import("yaml");
            return YAML.parse(text) ?? {};
        } catch (err) {
            throw new StackFileError(`${file}: is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
        }
    };
    const project = readYaml(projectFile);
    const stack = readYaml(stackFile);
    const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
    const merged: Record<string, unknown> = {};
    for (const [key, declaration] of Object.entries<any>(project.config ?? {})) {
        if (declaration && typeof declaration === "object" && "default" in declaration) {
            merged[qualify(key)] = declaration.default;
        } else if (declaration && typeof declaration === "object" && "value" in declaration) {
            merged[qualify(key)] = declaration.value;
        }
    }
    if (stack.config !== undefined && (typeof stack.config !== "object" || Array.isArray(stack.config))) {
        throw new StackFileError(`${stackFile}: "config" must be a map of configuration keys`);
    }
    for (const [key, value] of Object.entries<unknown>(stack.config ?? {})) {
        merged[qualify(key)] = value;
    }
    const asEngineText: Record<string, string> = {};
    for (const [key, value] of Object.entries(merged)) {
        asEngineText[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return asEngineText;
}

function isSecretEnvelope(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as any)[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** Replaces every secret envelope with the placeholder, remembering the values. */
export function redactSecrets(value: unknown, seen: unknown[]): unknown {
    if (isSecretEnvelope(value)) {
        seen.push(value.value);
        return SECRET_PLACEHOLDER;
    }
    if (Array.isArray(value)) {
        return value.map((v) => redactSecrets(v, seen));
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, seen)]));
    }
    return value;
}

function forgetProjectModules(): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(PROJECT_ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`) && !id.includes(`${path.sep}scripts${path.sep}`)) {
            delete require.cache[id];
        }
    }
}

/** Pulumi's own wait for outstanding resource RPCs (internal to the SDK, so looked up defensively). */
async function waitForRegistrations(): Promise<void> {
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
    await settings.waitForRPCs?.();
}

function outputValue(output: pulumi.Output<unknown>): Promise<unknown> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** What the mock engine records of a run, as registrations happen. */
export type MockRecording = Omit<ProgramRun, "outputs">;

/**
 * Puts Pulumi's mock runtime in place of the engine, in this process, and records what the
 * program registers. Synchronous (setMocks awaits nothing), so that a preload can install it
 * before Pulumi's own program runner starts (scripts/bench/mockEngine.ts).
 */
export function installMockEngine(
    stack: string,
    /** Receives each registration as it happens, also when the program later fails. */
    resources: RecordedResource[] = [],
    /** Outputs of the stacks a StackReference may read, by stack name. */
    stackOutputs: Record<string, Record<string, unknown>> = {},
    /** Ids of cluster objects that reads (`Resource.get`) do not find, as in a cluster that lacks them. */
    missingObjects: readonly string[] = [],
): MockRecording {
    const recording: MockRecording = {
        resources,
        secretValues: [],
        providerGenerated: [],
        transforms: {},
        dependencies: [],
        protectedResources: [],
        warnings: [],
    };
    const mockState = (args: pulumi.runtime.MockResourceArgs): Record<string, unknown> => {
        if (args.id !== undefined && missingObjects.includes(args.id)) {
            throw new Error(`mock cluster: ${args.type} "${args.id}" does not exist`);
        }
        if (args.type === STACK_REFERENCE_TYPE) {
            return { ...args.inputs, outputs: stackOutputs[args.inputs.name] ?? {}, secretOutputNames: [] };
        }
        if (args.transforms?.length) {
            recording.transforms[args.name] = args.transforms;
        }
        if (args.type === RANDOM_PASSWORD_TYPE) {
            const result = fakeRandomPassword(args.name, args.inputs);
            recording.providerGenerated.push(result);
            return { ...args.inputs, result };
        }
        if (args.type === HELM_CHART_TYPE) {
            // A Chart is a component the provider constructs: its output is the list of its children
            // (none without an engine), not its inputs, which the record keeps.
            return { resources: [] };
        }
        return args.inputs;
    };
    // The registration being recorded: the mock monitor decodes its inputs once, for newResource, and the
    // record takes them from there rather than decoding the request a second time (reads are not recorded).
    // Decoded as the mock decodes them, a value unknown at preview is left out rather than kept as a marker.
    let registering: RecordedResource | undefined;
    void pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) => {
                if (registering) {
                    registering.inputs = redactSecrets(args.inputs, recording.secretValues) as Record<string, unknown>;
                }
                return { id: `${args.name}-id`, state: mockState(args) };
            },
            call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
        },
        PROJECT_NAME,
        stack,
        true,
        MOCK_ORGANIZATION,
    );
    // The mock's newResource hook does not see parents; the monitor's request does.
    const monitor = pulumi.runtime.getMonitor() as any;
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const record: RecordedResource = { type: req.getType(), name: req.getName(), parent: req.getParent() || null, inputs: {} };
        // The root stack resource, which Pulumi's program runner registers around the program, is not the program's.
        if (record.type !== ROOT_STACK_TYPE) {
            recording.resources.push(record);
            recording.dependencies.push({ type: record.type, name: record.name, dependsOn: req.getDependenciesList() });
        }
        if (req.getProtect()) {
            recording.protectedResources.push(`${record.type}::${record.name}`);
        }
        // The mock monitor calls newResource synchronously, before its first await, so the hook fills this record.
        registering = record;
        try {
            return registerResource(req, callback);
        } finally {
            registering = undefined;
        }
    };
    // Pulumi's program runner asks the engine to wait for outstanding work before it exits; the mock answers at once.
    monitor.signalAndWaitForShutdown ??= (_req: unknown, callback: (err: null, resp: object) => void) => callback(null, {});
    return recording;
}

/**
 * Evaluates index.ts with the given engine configuration and returns every
 * registered resource, in registration order, and the stack outputs.
 */
export async function runProgram(
    config: Record<string, string>,
    stack = "homelab",
    entry = path.join(PROJECT_ROOT, "index.ts"),
    /** Receives each registration as it happens, also when the program later fails. */
    resources: RecordedResource[] = [],
    /** Outputs of the stacks a StackReference may read, by stack name. */
    stackOutputs: Record<string, Record<string, unknown>> = {},
    /** Ids of cluster objects that reads (`Resource.get`) do not find, as in a cluster that lacks them. */
    missingObjects: readonly string[] = [],
): Promise<ProgramRun> {
    const recording = installMockEngine(stack, resources, stackOutputs, missingObjects);
    const { secretValues, warnings } = recording;
    pulumi.runtime.setAllConfig(config);
    forgetProjectModules();
    // A failed registration or read surfaces as an unhandled rejection, and the outputs
    // that wait on it never resolve: fail the run with that error instead of hanging.
    // The program's pulumi.log.warn messages are recorded, not printed; anything else on console.warn passes through.
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        if (text.startsWith(RUNTIME_WARNING_PREFIX)) {
            warnings.push(text.slice(RUNTIME_WARNING_PREFIX.length));
        } else {
            consoleWarn.apply(console, args);
        }
    };
    let failRun: (err: unknown) => void = () => undefined;
    const runFailed = new Promise<never>((_, reject) => (failRun = reject));
    runFailed.catch(() => undefined);
    const onUnhandledRejection = (err: unknown) => failRun(err);
    process.on("unhandledRejection", onUnhandledRejection);
    try {
        const run = await evaluateProgram();
        process.off("unhandledRejection", onUnhandledRejection);
        return run;
    } catch (err) {
        // The failed program's other waiting registrations reject in turn; let them drain first.
        setTimeout(() => process.off("unhandledRejection", onUnhandledRejection), 1000).unref();
        throw err;
    } finally {
        console.warn = consoleWarn;
    }

    async function evaluateProgram(): Promise<ProgramRun> {
        // Inside the root stack resource, as Pulumi's program runner loads a program, so that every URN
        // and parent is the one a real run gives. A program that throws while loading fails the run with its error.
        let program: Record<string, unknown> = {};
        const loaded = new Promise<void>((resolve, reject) => {
            void pulumi.runtime
                .runInPulumiStack(async () => {
                    try {
                        program = require(entry) as Record<string, unknown>;
                        resolve();
                    } catch (err) {
                        reject(err);
                    }
                    return program;
                })
                .catch(() => undefined);
        });
        await Promise.race([loaded, runFailed]);
        // Every output is awaited at once (they resolve independently); the record keeps the program's export order.
        const settled = await Promise.all(
            Object.entries(program).map(async ([key, value]) => {
                const output = pulumi.output(value as pulumi.Input<unknown>);
                const resolved = await Promise.race([outputValue(output), runFailed]);
                return { key, resolved, secret: await pulumi.isSecret(output) };
            }),
        );
        const outputs: Record<string, unknown> = {};
        for (const { key, resolved, secret } of settled) {
            if (secret) {
                secretValues.push(resolved);
                outputs[key] = SECRET_PLACEHOLDER;
            } else {
                outputs[key] = redactSecrets(resolved, secretValues);
            }
        }
        // Let registrations that no output waits on finish, such as those whose inputs wait on a StackReference.
        await Promise.race([waitForRegistrations(), runFailed]);
        for (let i = 0; i < 5; i++) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        return { ...recording, outputs };
    }
}
