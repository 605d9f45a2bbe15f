/*
 * The one typed entry point to js-yaml, for the program's start path (rules files) and the
 * policy checker (manifests). js-yaml rather than the `yaml` package:
 * - it parses a 1,000-object `helm template` output about four times faster, which keeps the
 *   checker inside its 2 s budget (scripts/bench-policy.ts);
 * - @pulumi/pulumi loads it at start anyway, while loading `yaml` and its first parse added
 *   ~40 ms to every `pulumi preview` (test/fastPreview.test.ts checks that it stays unloaded).
 * The type is written here because @types/js-yaml is not a dependency; it covers only what
 * the project calls.
 */

/** A js-yaml schema: which tags and plain-scalar forms a text is read with. */
export interface JsYamlSchema {
    readonly implicit: unknown[];
}

export interface JsYamlLoadOptions {
    /** Default: js-yaml's DEFAULT_SCHEMA, which adds timestamps, merge keys and binary to CORE_SCHEMA. */
    schema?: JsYamlSchema;
    /** Named in the exception's message only. */
    filename?: string;
}

interface JsYaml {
    /** One document; an empty text gives undefined. Throws YAMLException, duplicate keys included. */
    load(text: string, options?: JsYamlLoadOptions): unknown;
    loadAll(text: string, iterator?: undefined, options?: JsYamlLoadOptions): unknown[];
    /** lineWidth -1: no folding of long strings. */
    dump(value: unknown, options?: { lineWidth?: number }): string;
    /** YAML 1.2's core schema (no timestamps, no `<<` merge): the `yaml` package's default reading. */
    readonly CORE_SCHEMA: JsYamlSchema;
    readonly YAMLException: new (reason: string) => Error & { reason?: string; mark?: { line: number; column: number } };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jsYaml: JsYaml = require("js-yaml");

/** Why js-yaml refused a text. */
export interface YamlSyntaxError {
    /** e.g. "duplicated mapping key" */
    reason: string;
    /** e.g. " (line 2, column 3)", 1-based; empty when js-yaml gives no position. */
    position: string;
}

/** The syntax error js-yaml threw, or undefined when `err` is anything else (a bug, to rethrow). */
export function yamlSyntaxError(err: unknown): YamlSyntaxError | undefined {
    if (!(err instanceof jsYaml.YAMLException)) {
        return undefined;
    }
    const position = err.mark ? ` (line ${err.mark.line + 1}, column ${err.mark.column + 1})` : "";
    return { reason: err.reason ?? err.message.split("\n")[0], position };
}
