import * as fs from "fs";
import * as path from "path";
import { UserInputError } from "../config/errors";
import { projectPath } from "../projectRoot";
import type { StackConfig } from "../config/stackConfig";
import { loadedUpstreamNames, rulesSources, RulesSources } from "./rulesSources";
import { planTuning, RuleSelector, TuningPlan, tuningFileText, tuningSelectors } from "./tuning";
import { ParsedRulesFile, parsedRulesFileProblems, parseRulesFile, RulesFile } from "./validate";

/** The rules folder, reviewed like code; every *.yaml / *.yml in it is delivered. */
export const RULES_DIR = projectPath("rules");
/** Where chart 8.0.1 mounts the `customRules` ConfigMap; falco.yaml's rules_files reads it after /etc/falco/falco_rules.yaml. */
export const RULES_MOUNT_PATH = "/etc/falco/rules.d";
/** The generated tuning file; its name sorts after the folder's files, so it may override custom rules too. */
export const TUNING_FILE = "90-disabled-rules.yaml";

/** A ConfigMap key that Falco 0.43 reads as a rules file (only .yaml / .yml since Falco 0.41). */
const RULES_FILE_NAME = /^[-._a-zA-Z0-9]+\.ya?ml$/;

export interface FalcoRules {
    sources: RulesSources;
    /** Chart `customRules`: file name -> content, mounted at RULES_MOUNT_PATH. */
    files: Record<string, string>;
    tuning: TuningPlan;
    /** falco.yaml `rules:` selectors (for rules of rulesets that are not loaded). */
    selectors: RuleSelector[];
}

export function readRulesFolder(dir: string = RULES_DIR): RulesFile[] {
    return fs
        .readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name))
        .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), "utf8") }));
}

/** Rules the custom files define (not override), so that falco:disabledRules may name them too. */
function customRuleNames(files: readonly ParsedRulesFile[]): Set<string> {
    const names = new Set<string>();
    for (const { content } of files) {
        // Files that are not YAML, or not a list, are reported by the validator.
        for (const item of Array.isArray(content) ? content : []) {
            if (item && typeof item.rule === "string" && item.override === undefined) names.add(item.rule);
        }
    }
    return names;
}

/** Falco reads a rules directory in byte order of file names. */
function inLoadOrder<File extends RulesFile>(files: File[]): File[] {
    return [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Builds and checks what Falco will load: the custom files, the generated
 * tuning, and the upstream ruleset of the configured version. Throws a
 * UserInputError naming file, item and problem when Falco would not start.
 */
export function falcoRules(config: Pick<StackConfig, "rulesVersion" | "disabledRules">, customFiles: RulesFile[]): FalcoRules {
    const problems: string[] = [];
    const sources = rulesSources(config.rulesVersion);
    const loaded = loadedUpstreamNames(sources);
    for (const file of customFiles) {
        if (!RULES_FILE_NAME.test(file.name)) {
            problems.push(`rules/${file.name}: not accepted as a file name; accepted: letters, digits, '-', '_', '.' ending in .yaml or .yml`);
        }
        if (file.name === TUNING_FILE) {
            problems.push(`rules/${file.name}: this name is reserved for the file generated from falco:disabledRules`);
        }
    }
    // Each file is parsed once, here; the rule names and every check read that result.
    const custom = customFiles.map(parseRulesFile);
    const tuning = planTuning(config.disabledRules, loaded, customRuleNames(custom), "falco:disabledRules");
    problems.push(...tuning.problems);
    const tuningFile = parseRulesFile({ name: TUNING_FILE, text: tuningFileText(tuning) });
    const delivered = inLoadOrder([...custom, ...(tuning.overridden.length > 0 ? [tuningFile] : [])]);
    problems.push(
        ...parsedRulesFileProblems(
            delivered.map((f) => ({ ...f, name: f === tuningFile ? `${f.name} (generated from falco:disabledRules)` : `rules/${f.name}` })),
            loaded,
        ),
    );
    if (problems.length > 0) {
        throw new UserInputError(problems, `invalid Falco rules (checked against falco_rules ${sources.validatedAgainst.join(", ")})`);
    }
    return {
        sources,
        files: Object.fromEntries(delivered.map((f) => [f.name, f.text])),
        tuning,
        selectors: tuningSelectors(tuning),
    };
}

/** What operators need to know about the loaded rules, as a stack output. */
export function rulesOutput(rules: FalcoRules) {
    return {
        /** The falcoctl ref of Falco's default ruleset, e.g. "falco-rules:5.1.0". */
        defaultRules: rules.sources.rulesRef,
        /** Whether the falcoctl sidecar follows a floating tag (false when pinned). */
        followed: rules.sources.followed,
        checkedAgainst: rules.sources.validatedAgainst,
        /** Files in /etc/falco/rules.d, in load order. */
        customFiles: Object.keys(rules.files).map((name) => `${RULES_MOUNT_PATH}/${name}`),
        disabledByOverride: rules.tuning.overridden,
        disabledBySelector: rules.tuning.selected.map(({ rule }) => rule),
    };
}

/** Reads the rules folder and checks it with the stack's configuration. */
export function loadFalcoRules(config: StackConfig): FalcoRules {
    return falcoRules(config, readRulesFolder());
}

export { rulesSources, CHART_DEFAULT_RULES_VERSION, CONTAINER_PLUGIN_REF, FALCO_RULES_ARTIFACT } from "./rulesSources";
