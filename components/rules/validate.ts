import { schemaFingerprint } from "../../policies/core/schemaFingerprint";
import { FALCO_PRIORITIES } from "../config/stackConfig";
import { jsYaml, yamlSyntaxError } from "../jsYaml";
import { conditionReferences, outputFields } from "./condition";
import { isKnownField } from "./fields";
import { LOADED_PLUGINS, LOADED_SOURCES, LoadedNames } from "./rulesSources";
import { FALCO_RULES_SCHEMA } from "./schema";
import { FALCO_RULES_SCHEMA_FINGERPRINT, validateFalcoRules } from "./falcoRulesSchemaValidator";

/**
 * Checks Falco rules files the way Falco 0.43 loads them, so that a file that
 * would stop Falco from starting is refused at `pulumi preview` instead. Pure:
 * files and the names of the already-loaded upstream rules in, problems out.
 * Every problem names the file, the item (rule, macro or list) and the problem.
 */

export interface RulesFile {
    /** Shown in messages, e.g. "rules/homelab_custom_rules.yaml". */
    name: string;
    text: string;
}

/** A rules file read as YAML once, for every check and list that needs its items. */
export interface ParsedRulesFile extends RulesFile {
    /** The document (null for an empty file); undefined when the text is not YAML. */
    content: unknown;
    /** Why the text is not YAML, e.g. "duplicated mapping key (line 2, column 3)". */
    notYaml?: string;
}

/** Reads a rules file as Falco does: one YAML 1.2 document, duplicate keys refused. */
export function parseRulesFile(file: RulesFile): ParsedRulesFile {
    try {
        return { ...file, content: jsYaml.load(file.text, { schema: jsYaml.CORE_SCHEMA }) ?? null };
    } catch (err) {
        const syntax = yamlSyntaxError(err);
        if (!syntax) {
            throw err;
        }
        return { ...file, content: undefined, notYaml: `${syntax.reason}${syntax.position}` };
    }
}

/** Falco's rule priorities, case-insensitive; Falco also accepts "info" for informational. */
export const RULE_PRIORITIES: readonly string[] = [...FALCO_PRIORITIES, "info"];

/** Comparison operators an exception may use (`comps`); `=` is the default. */
const EXCEPTION_OPERATORS = new Set(["=", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "in", "intersects", "pmatch"]);

type Kind = "rule" | "macro" | "list";
const KINDS: readonly Kind[] = ["rule", "macro", "list"];

/** Keys an `override:` may name for each kind, per Falco's rule loader. */
const OVERRIDABLE: Record<Kind, readonly string[]> = {
    rule: ["desc", "condition", "output", "priority", "enabled", "exceptions"],
    macro: ["condition"],
    list: ["items"],
};

/** Keys a new rule must have (Falco: "Item has no mapping for key ..."). */
const RULE_REQUIRED = ["desc", "condition", "output", "priority"] as const;

/**
 * The rules schema's validator: precompiled by `npm run validators` (no ajv and no
 * schema compilation at start-up), unless the schema changed since it was generated;
 * then it is compiled here (test/generatedValidators.test.ts fails until regenerated).
 */
const validateSchema =
    FALCO_RULES_SCHEMA_FINGERPRINT === schemaFingerprint(FALCO_RULES_SCHEMA)
        ? validateFalcoRules
        : (require("./draft06Ajv") as typeof import("./draft06Ajv")).draft06Ajv(true).compile(FALCO_RULES_SCHEMA);

type Item = Record<string, unknown>;

function kindOf(item: Item): Kind | undefined {
    return KINDS.find((kind) => typeof item[kind] === "string");
}

function label(item: unknown, index: number): string {
    if (item && typeof item === "object") {
        const kind = kindOf(item as Item);
        if (kind) return `${kind} ${JSON.stringify((item as Item)[kind])}`;
    }
    return `item ${index + 1}`;
}

interface Definitions {
    rule: Set<string>;
    macro: Set<string>;
    list: Set<string>;
}

function copyLoaded(loaded: LoadedNames): Definitions {
    return { rule: new Set(loaded.rules), macro: new Set(loaded.macros), list: new Set(loaded.lists) };
}

/** Reports YAML and schema problems; returns the items of files that are well-formed. */
function wellFormedFiles(files: readonly ParsedRulesFile[], problems: string[]): Array<{ file: RulesFile; items: Item[] }> {
    const parsed: Array<{ file: RulesFile; items: Item[] }> = [];
    for (const file of files) {
        if (file.notYaml !== undefined) {
            problems.push(`${file.name}: not valid YAML: ${file.notYaml}`);
            continue;
        }
        const content = file.content;
        if (!validateSchema(content)) {
            let structural = false;
            for (const error of validateSchema.errors ?? []) {
                const [, index, key] = error.instancePath.split("/");
                // Falco reads priorities case-insensitively; the priority check below judges them.
                if (key === "priority" && error.keyword === "enum") continue;
                structural ||= index === undefined;
                const where = index === undefined ? "the file" : label((content as unknown[])[Number(index)], Number(index));
                const at = error.instancePath.split("/").slice(2).join(".");
                problems.push(`${file.name}: ${where}: schema violation${at ? ` at ${at}` : ""}: ${error.message}${error.params && "additionalProperty" in error.params ? ` (${JSON.stringify(error.params.additionalProperty)})` : ""}`);
            }
            if (structural) continue;
        }
        parsed.push({ file, items: (content ?? []) as Item[] });
    }
    return parsed;
}

function checkFields(references: string[], where: string, problems: string[]): void {
    for (const field of new Set(references)) {
        if (!isKnownField(field)) {
            problems.push(`${where}: unknown field ${JSON.stringify(field)}; accepted: a Falco field from the project's field list (components/rules/fields.ts)`);
        }
    }
}

function checkCondition(condition: string, where: string, all: Definitions, problems: string[]): void {
    const refs = conditionReferences(condition);
    for (const error of refs.errors) {
        problems.push(`${where}: condition does not parse: ${error}`);
    }
    for (const macro of new Set(refs.macros)) {
        if (!all.macro.has(macro)) {
            problems.push(`${where}: unknown macro ${JSON.stringify(macro)}: it is not defined in the custom rules nor in the upstream rules that will be loaded`);
        }
    }
    for (const list of new Set(refs.listCandidates)) {
        if (!all.list.has(list)) {
            // Falco would read an unknown bare word as a literal: a misspelt list then silently matches nothing.
            problems.push(`${where}: unknown list ${JSON.stringify(list)}; accepted: a list defined in the custom rules or the loaded upstream rules (quote literal values)`);
        }
    }
    checkFields(refs.fields, where, problems);
}

function checkExceptions(exceptions: unknown, where: string, problems: string[]): void {
    if (!Array.isArray(exceptions)) return;
    const names = new Set<string>();
    for (const exception of exceptions as Array<Record<string, unknown>>) {
        const at = `${where}: exception ${JSON.stringify(exception.name)}`;
        if (names.has(String(exception.name))) problems.push(`${at}: duplicate exception name`);
        names.add(String(exception.name));
        const fields = exception.fields;
        const fieldList = typeof fields === "string" ? [fields] : Array.isArray(fields) ? fields : undefined;
        if (!fieldList || fieldList.length === 0 || !fieldList.every((f) => typeof f === "string")) {
            problems.push(`${at}: fields must be a field or a list of fields`);
            continue;
        }
        checkFields(fieldList as string[], at, problems);
        const comps = exception.comps === undefined ? [] : typeof exception.comps === "string" ? [exception.comps] : exception.comps;
        if (!Array.isArray(comps) || comps.some((c) => typeof c !== "string" || !EXCEPTION_OPERATORS.has(c))) {
            problems.push(`${at}: comps ${JSON.stringify(exception.comps)} not accepted; accepted: ${[...EXCEPTION_OPERATORS].join(", ")}`);
        } else if (Array.isArray(fields) && comps.length > 0 && comps.length !== fields.length) {
            problems.push(`${at}: comps has ${comps.length} entries for ${fields.length} fields`);
        }
        const values = exception.values ?? [];
        if (!Array.isArray(values)) {
            problems.push(`${at}: values must be a list`);
        } else if (Array.isArray(fields)) {
            values.forEach((tuple, i) => {
                if (!Array.isArray(tuple) || tuple.length !== fields.length) {
                    problems.push(`${at}: values[${i}] must be a list of ${fields.length} values, one per field`);
                }
            });
        }
    }
}

/** Compares dotted versions numerically: -1, 0 or 1. */
function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return Math.sign(d);
    }
    return 0;
}

/** Falco refuses to start when a rules file requires a plugin (or a newer one) that is not loaded. */
function checkPluginRequirements(requirements: unknown, where: string, problems: string[]): void {
    if (!Array.isArray(requirements)) return;
    for (const requirement of requirements as Array<{ name: string; version: string; alternatives?: Array<{ name: string; version: string }> }>) {
        const candidates = [requirement, ...(requirement.alternatives ?? [])];
        const satisfied = candidates.some(({ name, version }) => LOADED_PLUGINS[name] !== undefined && compareVersions(LOADED_PLUGINS[name], version) >= 0);
        if (!satisfied) {
            const loaded = Object.entries(LOADED_PLUGINS).map(([name, version]) => `${name} ${version}`).join(", ");
            problems.push(`${where}: requires plugin ${candidates.map((c) => `${c.name} >= ${c.version}`).join(" or ")}, which is not loaded: Falco 0.43 refuses to start; loaded plugins: ${loaded}`);
        }
    }
}

/** Every problem Falco 0.43 would stop at (and a few it would only warn about), in load order. */
export function rulesFileProblems(files: readonly RulesFile[], loaded: LoadedNames): string[] {
    return parsedRulesFileProblems(files.map(parseRulesFile), loaded);
}

/** rulesFileProblems for files already parsed (falcoRules parses each file once). */
export function parsedRulesFileProblems(files: readonly ParsedRulesFile[], loaded: LoadedNames): string[] {
    const problems: string[] = [];
    const parsed = wellFormedFiles(files, problems);

    // Conditions are compiled after every file is read, so they may use names defined anywhere.
    const all = copyLoaded(loaded);
    for (const { items } of parsed) {
        for (const item of items) {
            const kind = kindOf(item);
            if (kind) all[kind].add(item[kind] as string);
        }
    }

    // Overrides and redefinitions apply in load order, so they need what is defined before them.
    const before = copyLoaded(loaded);
    for (const { file, items } of parsed) {
        items.forEach((item, index) => {
            const where = `${file.name}: ${label(item, index)}`;
            const kind = kindOf(item);
            if (!kind) {
                checkPluginRequirements(item.required_plugin_versions, `${file.name}: ${label(item, index)}`, problems);
                if (!("required_engine_version" in item) && !("required_plugin_versions" in item)) {
                    problems.push(`${where}: has none of the keys rule, macro, list, required_engine_version, required_plugin_versions`);
                }
                return;
            }
            const name = item[kind] as string;
            const override = item.override as Record<string, string> | undefined;
            if (item.append !== undefined) {
                problems.push(`${where}: 'append' is deprecated in Falco 0.43; accepted: override: { <key>: append }`);
            }
            if (override) {
                if (!before[kind].has(name)) {
                    problems.push(`${where}: override of a ${kind} that is not loaded before it: Falco 0.43 refuses to start ("no ${kind} by that name already exists")`);
                }
                for (const key of Object.keys(override)) {
                    if (!OVERRIDABLE[kind].includes(key)) {
                        problems.push(`${where}: override.${key} is not accepted for a ${kind}; accepted: ${OVERRIDABLE[kind].join(", ")}`);
                    } else if (item[key] === undefined) {
                        problems.push(`${where}: override.${key} is set but the item has no ${key}`);
                    }
                }
                for (const key of Object.keys(item)) {
                    if (key !== kind && key !== "override" && !(key in override)) {
                        problems.push(`${where}: ${key} is set without an override.${key} entry`);
                    }
                }
            } else if (before[kind].has(name)) {
                problems.push(`${where}: redefines a loaded ${kind}; accepted: override: { <key>: replace | append } (redefinition is the deprecated form)`);
            } else if (kind === "rule") {
                const missing = RULE_REQUIRED.filter((key) => item[key] === undefined);
                if (missing.length > 0) {
                    problems.push(`${where}: a new rule needs ${missing.join(", ")}`);
                }
            } else if (kind === "macro" && item.condition === undefined) {
                problems.push(`${where}: a new macro needs condition`);
            } else if (kind === "list" && item.items === undefined) {
                problems.push(`${where}: a new list needs items`);
            }
            if (typeof item.condition === "string") {
                checkCondition(item.condition, where, all, problems);
            }
            if (typeof item.output === "string") {
                checkFields(outputFields(item.output), where, problems);
            }
            if (item.priority !== undefined && !(typeof item.priority === "string" && RULE_PRIORITIES.includes(item.priority.toLowerCase()))) {
                problems.push(`${where}: priority ${JSON.stringify(item.priority)} is not a Falco priority; accepted (any case): ${RULE_PRIORITIES.join(", ")}`);
            }
            checkExceptions(item.exceptions, where, problems);
            if (typeof item.source === "string" && !LOADED_SOURCES.includes(item.source)) {
                // Falco only warns and skips such a rule: it would silently never fire.
                problems.push(`${where}: source ${JSON.stringify(item.source)} is not loaded here, so Falco would skip the rule; accepted: ${LOADED_SOURCES.join(", ")}`);
            }
            before[kind].add(name);
        });
    }
    return problems;
}
