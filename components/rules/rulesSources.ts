import { UPSTREAM_RULE_NAMES } from "./upstreamRuleNames";

/**
 * Which rules Falco loads, and from where. Chart 8.0.1 runs falcoctl: an init
 * container installs the artifacts in `falcoctl.config.artifact.install.refs`
 * into an emptyDir mounted at /etc/falco (so /etc/falco/falco_rules.yaml is the
 * falcoctl-installed file, not the one in the image), and a sidecar
 * (`follow.refs`) re-installs newer versions of a floating tag while Falco runs.
 * The chart also appends the container plugin's ref to the install refs; this
 * program writes it out so every artifact is visible in the values.
 */

/** The falcoctl artifact of Falco's default ruleset (falcosecurity/rules rules/falco_rules.yaml). */
export const FALCO_RULES_ARTIFACT = "falco-rules";

/** What chart 8.0.1 follows by default: the newest 5.x, re-checked every 168h. */
export const CHART_DEFAULT_RULES_VERSION = "5";

/**
 * The container plugin chart 8.0.1 installs and loads (collectors.containerEngine.pluginRef);
 * falco_rules 5.x requires it (`required_plugin_versions: container >= 0.4.0`), and it
 * provides the container.* and k8s.* fields.
 */
export const CONTAINER_PLUGIN_REF = "ghcr.io/falcosecurity/plugins/plugin/container:0.6.1";

/** Plugins Falco loads in this deployment (chart 8.0.1 loads only the container plugin), as name -> version. */
export const LOADED_PLUGINS: Readonly<Record<string, string>> = { container: CONTAINER_PLUGIN_REF.split(":").pop()! };

/** Event sources Falco has here: the kernel driver's syscalls (the container plugin only extracts fields). */
export const LOADED_SOURCES: readonly string[] = ["syscall"];

/** Falco's default-ruleset versions whose names the program carries (components/rules/upstreamRuleNames.ts). */
export const KNOWN_FALCO_RULES_VERSIONS = Object.keys(UPSTREAM_RULE_NAMES.falco_rules) as Array<keyof typeof UPSTREAM_RULE_NAMES.falco_rules>;

/** Accepted values of `falco:rulesVersion`: the floating major the chart follows, or an exact version the program can validate against. */
export const ACCEPTED_RULES_VERSIONS: readonly string[] = [CHART_DEFAULT_RULES_VERSION, ...KNOWN_FALCO_RULES_VERSIONS];

/**
 * Rulesets the program knows by name but does NOT load: chart 8.0.1 loads no
 * k8saudit plugin (it needs a separate audit-webhook deployment), so
 * k8s_audit_rules never reaches this Falco.
 */
export const NOT_LOADED_RULESETS = [{ ruleset: "k8s_audit_rules", version: "0.16.0", plugin: "k8saudit" }] as const;

export interface RulesSources {
    /** The falcoctl ref of the default ruleset, e.g. "falco-rules:5.1.0". */
    rulesRef: string;
    /** True for a floating tag: the follow sidecar keeps it current. */
    followed: boolean;
    /** Exact versions the reference checks ran against (all known ones for a floating tag). */
    validatedAgainst: string[];
    installRefs: string[];
    followRefs: string[];
}

export function rulesSources(rulesVersion: string): RulesSources {
    const rulesRef = `${FALCO_RULES_ARTIFACT}:${rulesVersion}`;
    const followed = rulesVersion === CHART_DEFAULT_RULES_VERSION;
    return {
        rulesRef,
        followed,
        validatedAgainst: followed ? KNOWN_FALCO_RULES_VERSIONS.filter((v) => v.startsWith(`${CHART_DEFAULT_RULES_VERSION}.`)) : [rulesVersion],
        installRefs: [rulesRef, CONTAINER_PLUGIN_REF],
        followRefs: followed ? [rulesRef] : [],
    };
}

export interface LoadedNames {
    rules: Set<string>;
    macros: Set<string>;
    lists: Set<string>;
}

function intersect(sets: Array<readonly string[]>): Set<string> {
    const [first, ...rest] = sets;
    return new Set(first.filter((name) => rest.every((other) => other.includes(name))));
}

/**
 * Names Falco will have loaded from /etc/falco/falco_rules.yaml before it reads
 * rules.d. For a floating tag, any known 5.x may be installed, so only names
 * that every one of them defines count.
 */
export function loadedUpstreamNames(sources: RulesSources): LoadedNames {
    const versions = sources.validatedAgainst.map((v) => UPSTREAM_RULE_NAMES.falco_rules[v as keyof typeof UPSTREAM_RULE_NAMES.falco_rules]);
    return {
        rules: intersect(versions.map((v) => v.rules)),
        macros: intersect(versions.map((v) => v.macros)),
        lists: intersect(versions.map((v) => v.lists)),
    };
}

/** The not-loaded ruleset that defines a rule of this name, if any. */
export function notLoadedRulesetOf(ruleName: string): (typeof NOT_LOADED_RULESETS)[number] | undefined {
    return NOT_LOADED_RULESETS.find(({ ruleset, version }) =>
        (UPSTREAM_RULE_NAMES[ruleset][version].rules as readonly string[]).includes(ruleName),
    );
}
