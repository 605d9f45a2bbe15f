/**
 * Offline render: runs the real program under Pulumi's mock runtime, with
 * configuration resolved as the CLI resolves it, and writes what it declares.
 *
 *   npm run render -- [--stack NAME | --stack-file PATH] [--out DIR]
 *
 * Exit codes: 0 rendered; 1 invalid configuration or stack file (nothing written);
 * 2 bad command line; 70 internal error.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { UserInputError } from "../components/config/errors";
import { parseStackConfig } from "../components/config/stackConfig";
import { FALCO_CHART, FalcoChartValues } from "../components/falcoValues";
import { computeFootprint, FootprintSizing, footprintSizing } from "../components/footprint";
import { HELM_CHART_TYPE, PROJECT_ROOT, ProgramRun, RecordedResource, resolveConfig, runProgram, StackFileError } from "./mockRuntime";

export { HELM_CHART_TYPE };

export interface RenderOptions {
    stack: string;
    stackFile: string;
    outDir: string;
}

export class UsageError extends Error {}

export function parseRenderArgs(argv: string[]): RenderOptions {
    let stack: string | undefined;
    let stackFile: string | undefined;
    let outDir = path.join(PROJECT_ROOT, "out");
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = argv[i + 1];
        const needValue = () => {
            if (value === undefined || value.startsWith("--")) {
                throw new UsageError(`${flag} needs a value`);
            }
            i++;
            return value;
        };
        switch (flag) {
            case "--stack":
                stack = needValue();
                if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
                    throw new UsageError(`--stack: "${stack}" is not a stack name; accepted: letters, digits, '_', '.', '-'`);
                }
                break;
            case "--stack-file":
                stackFile = path.resolve(needValue());
                break;
            case "--out":
                outDir = path.resolve(needValue());
                break;
            default:
                throw new UsageError(`unknown argument "${flag}"`);
        }
    }
    if (stack !== undefined && stackFile !== undefined) {
        throw new UsageError("--stack and --stack-file exclude each other");
    }
    const stackName = stack ?? (stackFile ? path.basename(stackFile).replace(/^Pulumi\./, "").replace(/\.ya?ml$/, "") : "homelab");
    return {
        stack: stackName,
        stackFile: stackFile ?? path.join(PROJECT_ROOT, `Pulumi.${stackName}.yaml`),
        outDir,
    };
}

/** Kubernetes objects the program declares itself (chart children are the chart's business). */
export function isKubernetesObject(resource: RecordedResource): boolean {
    return resource.type.startsWith("kubernetes:") && resource.type !== HELM_CHART_TYPE && typeof resource.inputs.kind === "string";
}

function manifestFileName(resource: RecordedResource): string {
    const metadata = (resource.inputs.metadata ?? {}) as { name?: string; namespace?: string };
    const parts = [String(resource.inputs.kind), metadata.namespace, metadata.name ?? resource.name].filter((p) => p);
    return `${parts.join("_").replace(/[^A-Za-z0-9_.-]/g, "-").toLowerCase()}.yaml`;
}

/** Every file of the render, as relative path -> content. Pure, so tests can check it without a disk. */
/**
 * YAML for review: multi-line strings (rules files, the dashboard, falco.yaml fragments) stay literal
 * blocks, line for line as the program made them, instead of being folded at 80 columns, so that a
 * changed word shows as one changed line.
 */
export function reviewableYaml(value: unknown): string {
    return YAML.stringify(value, { lineWidth: 0 });
}

export function renderFiles(run: ProgramRun, sizing?: FootprintSizing): Map<string, string> {
    const files = new Map<string, string>();
    files.set("resources.json", JSON.stringify(run.resources, null, 2) + "\n");
    files.set("outputs.json", JSON.stringify(run.outputs, null, 2) + "\n");
    for (const resource of run.resources) {
        if (isKubernetesObject(resource)) {
            const name = path.posix.join("manifests", manifestFileName(resource));
            if (files.has(name)) {
                throw new Error(`internal error: two objects render to ${name}`);
            }
            files.set(name, reviewableYaml(resource.inputs));
        } else if (resource.type === HELM_CHART_TYPE) {
            files.set(path.posix.join("values", `${resource.name}.yaml`), reviewableYaml(resource.inputs.values ?? {}));
        }
    }
    const falcoChart = run.resources.find((r) => r.type === HELM_CHART_TYPE && r.inputs.chart === FALCO_CHART.name);
    if (sizing && falcoChart) {
        // From the values the program actually handed to the chart, not from a second evaluation.
        const footprint = computeFootprint(falcoChart.inputs.values as FalcoChartValues, sizing);
        files.set("footprint.json", JSON.stringify(footprint, null, 2) + "\n");
    }
    return files;
}

/** Folders and files the render owns in DIR; only these are replaced. */
const RENDER_OWNED = ["resources.json", "outputs.json", "manifests", "values", "footprint.json"];

export function writeRender(outDir: string, files: Map<string, string>): void {
    fs.mkdirSync(outDir, { recursive: true });
    for (const owned of RENDER_OWNED) {
        fs.rmSync(path.join(outDir, owned), { recursive: true, force: true });
    }
    for (const [relative, content] of files) {
        const target = path.join(outDir, relative);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
    }
}

export async function render(options: RenderOptions): Promise<Map<string, string>> {
    const config = resolveConfig(options.stackFile);
    const run = await runProgram(config, options.stack);
    for (const warning of run.warnings) {
        console.error(`render: warning: ${warning}`);
    }
    // Everything is built in memory first, so a failure writes nothing.
    const files = renderFiles(run, footprintSizing(parseStackConfig(config)));
    writeRender(options.outDir, files);
    return files;
}

async function main(): Promise<number> {
    let options: RenderOptions;
    try {
        options = parseRenderArgs(process.argv.slice(2));
    } catch (err) {
        console.error(`render: ${(err as Error).message}\nusage: npm run render -- [--stack NAME | --stack-file PATH] [--out DIR]`);
        return 2;
    }
    try {
        const files = await render(options);
        console.log(`rendered stack "${options.stack}" into ${path.relative(process.cwd(), options.outDir) || "."}: ${files.size} files`);
        return 0;
    } catch (err) {
        if (UserInputError.isUserInputError(err) || err instanceof StackFileError) {
            console.error(`render: stack "${options.stack}": ${(err as Error).message}\nnothing was written.`);
            return 1;
        }
        console.error("render: internal error:", err);
        return 70;
    }
}

if (require.main === module) {
    main().then((code) => process.exit(code));
}
