import * as path from "path";
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Constraint, HOMELAB_CONSTRAINTS_DIR, loadConstraints } from "./constraints";
import { evaluate } from "./evaluate";
import type { K8sObject, TemplateRule } from "./types";

/*
 * Adapters from the pure core to CrossGuard. Only types come from
 * @pulumi/policy, so the checker can load the policy modules cheaply; the
 * PolicyPack itself is created in policies/index.ts alone.
 */

/** Where the pack reads Constraints when its config names none: policies/constraints. */
export const DEFAULT_CONSTRAINTS = HOMELAB_CONSTRAINTS_DIR;

/** Config every template policy accepts besides its template's parameters. */
export interface GatekeeperPolicyConfig {
    /** File or folder of Constraint YAML, e.g. exported with `kubectl get constraints -o yaml`. */
    constraints?: string;
    [parameter: string]: unknown;
}

/** A Kubernetes resource's inputs as the manifest the provider would send, or undefined for other resources. */
export function manifestOf(type: string, props: Record<string, any>): K8sObject | undefined {
    const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
    if (!match || match[1].startsWith("helm.sh") || match[1].startsWith("yaml") || match[1].startsWith("kustomize")) {
        return undefined;
    }
    const [group, version] = match[1].split("/");
    const apiVersion = props.apiVersion ?? (group === "core" ? version : `${group}/${version}`);
    return { ...props, apiVersion, kind: props.kind ?? match[2] };
}

/**
 * Every template, for reading a constraints file that holds several kinds.
 * Required lazily: the template modules call gatekeeperPolicy() while the list is being built.
 */
function allTemplates(): readonly TemplateRule[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("../gatekeeperTemplates") as typeof import("../gatekeeperTemplates")).GATEKEEPER_TEMPLATES;
}

const constraintCache = new Map<string, Constraint[]>();

/** Loads (once per location) the constraints a policy's config names. Throws UnusableInputError. */
export function constraintsFor(config: GatekeeperPolicyConfig, rules: readonly TemplateRule[]): Constraint[] {
    const location = path.resolve(config.constraints ?? DEFAULT_CONSTRAINTS);
    let constraints = constraintCache.get(location);
    if (!constraints) {
        constraints = loadConstraints(location, rules);
        constraintCache.set(location, constraints);
    }
    return constraints;
}

/** The template's parameters given in the policy config, which override every constraint's. */
export function parameterOverrides(rule: TemplateRule, config: GatekeeperPolicyConfig): Record<string, unknown> {
    const overrides: Record<string, unknown> = {};
    for (const key of Object.keys(rule.parameterSchema.properties)) {
        if (config[key] !== undefined) {
            overrides[key] = config[key];
        }
    }
    return overrides;
}

/** Evaluates one resource against the constraints of one template, as the cluster's Gatekeeper would. */
export function checkResource(rule: TemplateRule, type: string, props: Record<string, any>, config: GatekeeperPolicyConfig, allRules: readonly TemplateRule[]) {
    const manifest = manifestOf(type, props);
    if (!manifest) {
        return [];
    }
    const overrides = parameterOverrides(rule, config);
    const constraints = constraintsFor(config, allRules)
        .filter((c) => c.kind === rule.kind)
        .map((c) => ({ ...c, parameters: { ...c.parameters, ...overrides } }));
    return evaluate([manifest], constraints, [rule]);
}

function reportAll(violations: ReturnType<typeof checkResource>, enforcement: "mandatory" | "advisory", report: ReportViolation): void {
    for (const v of violations) {
        if (v.enforcement === enforcement) {
            report(v.message);
        }
    }
}

/**
 * The CrossGuard policy of one template. Constraints with enforcementAction
 * `deny` are reported here, as mandatory; `warn` ones go to the advisory
 * `gatekeeper-warnings` policy, because one CrossGuard policy has a single
 * enforcement level; `dryrun` ones are not reported.
 */
export function gatekeeperPolicy(rule: TemplateRule, allRules: () => readonly TemplateRule[] = allTemplates): ResourceValidationPolicy {
    return {
        name: rule.name,
        description: `${rule.description} Judged as Gatekeeper's ${rule.engine === "Rego" ? "Rego" : "CEL"} engine would, on the API server's canonical form.`,
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                constraints: { type: "string", description: "File or folder of Gatekeeper Constraint YAML (a relative path starts in the pack's folder); default: the pack's constraints folder." },
                ...(rule.parameterSchema.properties as Record<string, any>),
            },
        },
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = args.getConfig<GatekeeperPolicyConfig>();
            reportAll(checkResource(rule, args.type, args.props, config, allRules()), "mandatory", reportViolation);
        },
    };
}

/** The advisory policy that carries the `warn` constraints of every template. */
export function gatekeeperWarningsPolicy(rules: readonly TemplateRule[]): ResourceValidationPolicy {
    return {
        name: "gatekeeper-warnings",
        description: "Violations of Gatekeeper constraints whose enforcementAction is warn: the cluster admits the object with a warning.",
        enforcementLevel: "advisory",
        configSchema: { properties: { constraints: { type: "string", description: "File or folder of Gatekeeper Constraint YAML." } } },
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = args.getConfig<GatekeeperPolicyConfig>();
            for (const rule of rules) {
                reportAll(checkResource(rule, args.type, args.props, { constraints: config.constraints }, rules), "advisory", reportViolation);
            }
        },
    };
}

export type { PolicyResource, StackValidationPolicy };
