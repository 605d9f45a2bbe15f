import * as fs from "fs";
import { loadConstraints } from "./core/constraints";
import { evaluate, hasMandatory } from "./core/evaluate";
import { parseManifests } from "./core/manifests";
import { K8sObject, UnusableInputError, Violation } from "./core/types";
import { GATEKEEPER_TEMPLATES, HOMELAB_CONSTRAINTS_DIR } from "./gatekeeperTemplates";

/**
 * `npm run policy -- check [--constraints PATH]... [--json] [--namespace NS] FILE...`
 * The command-line face of the same core the CrossGuard pack uses.
 * Exit codes: 0 no mandatory violation, 1 at least one, 2 unusable input.
 */

export const USAGE = "usage: npm run policy -- check [--constraints PATH]... [--json] [--namespace NS] FILE... (FILE may be - for stdin)";

export interface CheckOptions {
    constraints: string[];
    json: boolean;
    namespace?: string;
    files: string[];
}

export function parseArguments(argv: readonly string[]): CheckOptions {
    const [command, ...rest] = argv;
    if (command !== "check") {
        throw new UnusableInputError(`unknown command ${JSON.stringify(command ?? "")}; ${USAGE}`);
    }
    const options: CheckOptions = { constraints: [], json: false, files: [] };
    for (let i = 0; i < rest.length; i++) {
        const arg = rest[i];
        if (arg === "--json") {
            options.json = true;
        } else if (arg === "--constraints" || arg === "--namespace") {
            const value = rest[++i];
            if (value === undefined || (value.startsWith("--") && value.length > 2)) {
                throw new UnusableInputError(`${arg} needs a value; ${USAGE}`);
            }
            if (arg === "--constraints") options.constraints.push(value);
            else options.namespace = value;
        } else if (arg.startsWith("--")) {
            throw new UnusableInputError(`unknown option ${arg}; ${USAGE}`);
        } else {
            options.files.push(arg);
        }
    }
    if (options.files.length === 0) {
        throw new UnusableInputError(`no manifest file given; ${USAGE}`);
    }
    return options;
}

export function readInput(file: string, stdin: () => string): string {
    if (file === "-") {
        return stdin();
    }
    try {
        return fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new UnusableInputError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
}

export function formatTable(violations: readonly Violation[]): string {
    if (violations.length === 0) {
        return "no violations";
    }
    const header = ["ENFORCEMENT", "POLICY", "KIND", "NAMESPACE", "NAME", "MESSAGE"];
    const rows = violations.map((v) => [v.enforcement, v.policy, v.kind, v.namespace, v.name, v.message]);
    const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]) : c)).join("  ");
    const mandatory = violations.filter((v) => v.enforcement === "mandatory").length;
    return [line(header), ...rows.map(line), "", `${violations.length} violation(s), ${mandatory} mandatory`].join("\n");
}

export interface CheckResult {
    exitCode: 0 | 1 | 2;
    stdout: string;
    stderr: string;
}

/** Runs the checker without touching process state: testable and benchmarkable. */
export function runCheck(argv: readonly string[], stdin: () => string = () => fs.readFileSync(0, "utf8")): CheckResult {
    try {
        const options = parseArguments(argv);
        const locations = options.constraints.length > 0 ? options.constraints : [HOMELAB_CONSTRAINTS_DIR];
        const constraints = locations.flatMap((location) => loadConstraints(location, GATEKEEPER_TEMPLATES));
        const objects: K8sObject[] = options.files.flatMap((file) => parseManifests(readInput(file, stdin), file === "-" ? "<stdin>" : file));
        const violations = evaluate(objects, constraints, GATEKEEPER_TEMPLATES, { defaultNamespace: options.namespace });
        const stdout = options.json ? JSON.stringify(violations, null, 2) : formatTable(violations);
        return { exitCode: hasMandatory(violations) ? 1 : 0, stdout, stderr: "" };
    } catch (err) {
        if (err instanceof UnusableInputError) {
            return { exitCode: 2, stdout: "", stderr: `error: ${err.message}` };
        }
        throw err;
    }
}
