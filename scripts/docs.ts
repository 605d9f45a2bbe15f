/**
 * README sections generated from the same data as the code, between markers
 *   <!-- generated:NAME:start --> ... <!-- generated:NAME:end -->
 * `npm run docs` rewrites them; tests fail when the README is stale.
 * Other modules add sections by adding an entry to GENERATED_SECTIONS.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { parseStackConfig } from "../components/config/stackConfig";
import { falcoValues } from "../components/falcoValues";
import { allowedFlowsMarkdown } from "../components/network/falcoFlows";
import { falcoRules, readRulesFolder, RULES_MOUNT_PATH, TUNING_FILE } from "../components/rules";
import { loadedUpstreamNames } from "../components/rules/rulesSources";
import { podHardeningMarkdown, threatCoverageMarkdown } from "../components/securityModel";
import { alertRunbooksMarkdown, alertsTableMarkdown } from "../components/monitoring/alertDocs";
import { Footprint } from "../components/footprint";
import { footprintMarkdown, LEAN_PROPOSAL } from "../components/footprintReport";
import { planStack } from "../components/stackPlan";
import { PROJECT_ROOT, resolveConfig } from "./mockRuntime";
import { growthTableMarkdown, measureGrowth } from "./bench/growth";

export const README_PATH = path.join(PROJECT_ROOT, "README.md");

function markers(name: string): [string, string] {
    return [`<!-- generated:${name}:start -->`, `<!-- generated:${name}:end -->`];
}

/** The text between a section's markers, trimmed; undefined when the markers are missing. */
export function readmeSection(readme: string, name: string): string | undefined {
    const [start, end] = markers(name);
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    if (from < 0 || to < from) {
        return undefined;
    }
    return readme.slice(from + start.length, to).trim();
}

export function replaceReadmeSection(readme: string, name: string, content: string): string {
    const [start, end] = markers(name);
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    if (from < 0 || to < from) {
        throw new Error(`README.md has no ${start} ... ${end} markers`);
    }
    return `${readme.slice(0, from + start.length)}\n${content}\n${readme.slice(to)}`;
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function formatDefault(value: unknown): string {
    if (typeof value === "string") {
        return value === "" ? '`""`' : `\`${value}\``;
    }
    return `\`${JSON.stringify(value)}\``;
}

/** The configuration table, from Pulumi.yaml's declarations. */
export function configTableMarkdown(project: { config: Record<string, { type: string; default: unknown; description: string }> }): string {
    const rows = Object.entries(project.config).map(
        ([key, d]) => `| \`${key}\` | ${d.type} | ${cell(formatDefault(d.default))} | ${cell(d.description)} |`,
    );
    return ["| Key | Type | Default | Description |", "|---|---|---|---|", ...rows].join("\n");
}

function readProject(): any {
    return YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
}

/** What the homelab stack does with each rule in falco:disabledRules, from the program's own plan. */
export function rulesTuningMarkdown(): string {
    const config = parseStackConfig(resolveConfig(path.join(PROJECT_ROOT, "Pulumi.homelab.yaml")));
    const { tuning, sources } = falcoRules(config, readRulesFolder());
    const defaults = loadedUpstreamNames(sources);
    const rows = [
        ...tuning.overridden.map(
            (rule) =>
                `| ${cell(rule)} | ${defaults.rules.has(rule) ? `falco_rules ${sources.validatedAgainst.join(", ")} (default ruleset): loaded` : "custom rules (\`rules/\`): loaded"} | override \`enabled: false\` with \`override: { enabled: replace }\` in the generated \`${RULES_MOUNT_PATH}/${TUNING_FILE}\` | disabled |`,
        ),
        ...tuning.selected.map(
            ({ rule, ruleset, version, plugin }) =>
                `| ${cell(rule)} | ${ruleset} ${version} (needs the ${plugin} plugin): **not loaded** by this deployment | falco.yaml \`rules: [{ disable: { rule: ... } }]\` selector; an override would stop Falco ("no rule by that name already exists") | nothing to disable now; disabled as soon as the ruleset is loaded |`,
        ),
    ];
    return [
        `Stack \`homelab\`, rules version \`${sources.rulesRef}\`:`,
        "",
        "| Rule | Where it lives | How the program disables it | Effect |",
        "|---|---|---|---|",
        ...rows,
    ].join("\n");
}

/** The footprint of a configuration, from the chart values the program builds (rules included). */
export function footprintOf(raw: Record<string, string>): Footprint {
    return planStack(raw).footprint;
}

/** The homelab's footprint table and the lean proposal beside it. */
export function homelabFootprintMarkdown(): string {
    const homelab = resolveConfig(path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"));
    const lean = { ...homelab };
    for (const [key, value] of Object.entries(LEAN_PROPOSAL.overrides(JSON.parse(homelab["falco:webui"])))) {
        lean[`falco:${key}`] = JSON.stringify(value);
    }
    return footprintMarkdown(footprintOf(homelab), footprintOf(lean));
}

/** Every generated section: name -> content builder. */
export const GENERATED_SECTIONS: Record<string, () => string | Promise<string>> = {
    "config-table": () => configTableMarkdown(readProject()),
    "network-flows": () => allowedFlowsMarkdown(parseStackConfig(resolveConfig(path.join(PROJECT_ROOT, "Pulumi.homelab.yaml")))),
    "rules-tuning": rulesTuningMarkdown,
    "threat-coverage": () => threatCoverageMarkdown(),
    "pod-hardening": () => podHardeningMarkdown(falcoValues(parseStackConfig(resolveConfig(path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"))))),
    "alerts-table": () => alertsTableMarkdown(),
    "alert-runbooks": () => alertRunbooksMarkdown(),
    footprint: () => homelabFootprintMarkdown(),
    growth: async () => growthTableMarkdown(await measureGrowth(resolveConfig(path.join(PROJECT_ROOT, "Pulumi.homelab.yaml")))),
};

export async function regenerateReadme(readme: string): Promise<string> {
    let text = readme;
    for (const [name, build] of Object.entries(GENERATED_SECTIONS)) {
        text = replaceReadmeSection(text, name, await build());
    }
    return text;
}

if (require.main === module) {
    regenerateReadme(fs.readFileSync(README_PATH, "utf8")).then((text) => {
        fs.writeFileSync(README_PATH, text);
        console.log(`README.md: regenerated ${Object.keys(GENERATED_SECTIONS).join(", ")}`);
    });
}
