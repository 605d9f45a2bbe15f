import * as fs from "fs";
import * as path from "path";
import type { ErrorObject, Options } from "ajv";
import type { ConstraintMatch } from "./match";
import { parseManifests } from "./manifests";
import { PARAMETER_VALIDATORS } from "./parameterValidators";
import { schemaFingerprint } from "./schemaFingerprint";
import { K8sObject, TemplateRule, UnusableInputError } from "./types";
import { projectPath } from "../../components/projectRoot";

/** The homelab cluster's Constraints, kept in the repository as Gatekeeper YAML. */
export const HOMELAB_CONSTRAINTS_DIR = projectPath("policies", "constraints");

/** A Gatekeeper Constraint (constraints.gatekeeper.sh/v1beta1), as the core uses it. */
export interface Constraint {
    kind: string;
    name: string;
    /** File the constraint came from, for messages. */
    source: string;
    enforcementAction: EnforcementAction;
    match?: ConstraintMatch;
    parameters: Record<string, any>;
}

export const ENFORCEMENT_ACTIONS = ["deny", "warn", "dryrun"] as const;
export type EnforcementAction = (typeof ENFORCEMENT_ACTIONS)[number];

const CONSTRAINT_GROUP = "constraints.gatekeeper.sh";
const TEMPLATE_GROUP = "templates.gatekeeper.sh";

/** ajv options for the parameter schemas; scripts/validators.ts precompiles with the same ones. */
export const PARAMETER_AJV_OPTIONS: Options = { allErrors: true, strict: false };

type ParameterValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const parameterValidators = new Map<TemplateRule, ParameterValidator>();

/**
 * The precompiled validator (policies/core/parameterValidators.js, `npm run validators`)
 * when it was generated from this very schema; otherwise the schema compiled now, with
 * ajv loaded only then (a template added or edited without regenerating, a test's own rule).
 */
function parameterValidator(rule: TemplateRule): ParameterValidator {
    let validate = parameterValidators.get(rule);
    if (!validate) {
        const precompiled = PARAMETER_VALIDATORS[rule.kind];
        if (precompiled && precompiled.fingerprint === schemaFingerprint(rule.parameterSchema)) {
            validate = precompiled.validate;
        } else {
            const Ajv = (require("ajv") as typeof import("ajv")).default;
            validate = new Ajv(PARAMETER_AJV_OPTIONS).compile(rule.parameterSchema);
        }
        parameterValidators.set(rule, validate);
    }
    return validate;
}

/**
 * Checks parameters against the template's schema, as the API server does for
 * a Constraint (its CRD is generated from the template's openAPIV3Schema).
 * Returns problem messages.
 */
export function parameterProblems(rule: TemplateRule, parameters: unknown, where: string): string[] {
    const validate = parameterValidator(rule);
    if (validate(parameters)) {
        return [];
    }
    return (validate.errors ?? []).map((e) => `${where}: parameters${e.instancePath.replace(/\//g, ".")} ${e.message}`);
}

/**
 * Reads Constraints from a YAML/JSON file or, recursively, a folder of them. A
 * Gatekeeper Config among them applies its webhook namespace exclusions to the
 * constraints of its own file.
 */
export function loadConstraints(location: string, rules: readonly TemplateRule[]): Constraint[] {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(location);
    } catch (err) {
        throw new UnusableInputError(`${location}: constraints cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    const files = stat.isDirectory() ? constraintFiles(location) : [location];
    return files.flatMap((file) => {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (err) {
            throw new UnusableInputError(`${file}: constraints cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
        }
        return constraintsFromText(text, file, rules);
    });
}

function constraintFiles(folder: string): string[] {
    return fs
        .readdirSync(folder, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((entry) => {
            const full = path.join(folder, entry.name);
            if (entry.isDirectory()) {
                return constraintFiles(full);
            }
            return /\.(ya?ml|json)$/.test(entry.name) ? [full] : [];
        });
}

export function constraintsFromText(text: string, source: string, rules: readonly TemplateRule[]): Constraint[] {
    const objects = parseManifests(text, source);
    const excluded = objects.filter((o) => String(o.apiVersion).split("/")[0] === CONFIG_GROUP).flatMap((o) => webhookExcludedNamespaces(o, source));
    const constraints = objects.filter((o) => String(o.apiVersion).split("/")[0] !== CONFIG_GROUP).flatMap((object) => toConstraint(object, source, rules));
    return excluded.length === 0 ? constraints : constraints.map((c) => withExcludedNamespaces(c, excluded));
}

const CONFIG_GROUP = "config.gatekeeper.sh";

/**
 * Gatekeeper's own Config (config.gatekeeper.sh, usually `config` in
 * gatekeeper-system): `spec.match[].excludedNamespaces` for the processes
 * "webhook" or "*" are never judged at admission, whatever the constraint says.
 */
function webhookExcludedNamespaces(config: K8sObject, source: string): string[] {
    if (config.kind !== "Config") {
        throw new UnusableInputError(`${source}: ${config.kind} (${config.apiVersion}) is not a Gatekeeper Config or Constraint`);
    }
    const match = Array.isArray(config.spec?.match) ? config.spec.match : [];
    return match
        .filter((m: any) => Array.isArray(m?.processes) && m.processes.some((p: unknown) => p === "webhook" || p === "*"))
        .flatMap((m: any) => (Array.isArray(m.excludedNamespaces) ? m.excludedNamespaces.filter((n: unknown) => typeof n === "string") : []));
}

function withExcludedNamespaces(constraint: Constraint, namespaces: string[]): Constraint {
    const match = constraint.match ?? {};
    return { ...constraint, match: { ...match, excludedNamespaces: [...(match.excludedNamespaces ?? []), ...namespaces] } };
}

/** Gatekeeper's enforcement points (pkg/util enforcement_action.go). */
export const ENFORCEMENT_POINTS = { webhook: "validation.gatekeeper.sh", audit: "audit.gatekeeper.sh", gator: "gator.gatekeeper.sh", vap: "vap.k8s.io", all: "*" } as const;

/**
 * The action taken at admission for a constraint. `scoped` (Gatekeeper 3.13+)
 * lists actions per enforcement point; those of Gatekeeper's webhook, of "*" and,
 * for a template that has CEL, of the ValidatingAdmissionPolicy Gatekeeper
 * generates count at admission, the strongest first; none: admission ignores it.
 */
function admissionAction(spec: Record<string, any>, where: string, rule: TemplateRule): EnforcementAction {
    const action = spec.enforcementAction ?? "deny";
    if ((ENFORCEMENT_ACTIONS as readonly string[]).includes(action)) {
        return action;
    }
    if (action !== "scoped") {
        throw new UnusableInputError(`${where}: enforcementAction ${JSON.stringify(action)} is not supported; accepted: ${ENFORCEMENT_ACTIONS.join(", ")} or scoped`);
    }
    const scoped = spec.scopedEnforcementActions;
    if (!Array.isArray(scoped)) {
        throw new UnusableInputError(`${where}: enforcementAction "scoped" needs scopedEnforcementActions, a list of {action, enforcementPoints}`);
    }
    const known = Object.values(ENFORCEMENT_POINTS) as string[];
    const admissionPoints: string[] = [ENFORCEMENT_POINTS.webhook, ENFORCEMENT_POINTS.all, ...(rule.engine === "K8sNativeValidation" ? [ENFORCEMENT_POINTS.vap] : [])];
    for (const entry of scoped) {
        const points = Array.isArray(entry?.enforcementPoints) ? entry.enforcementPoints.map((p: any) => p?.name) : [];
        const unknown = points.filter((name: unknown) => !known.includes(name as string));
        if (points.length === 0 || unknown.length > 0) {
            throw new UnusableInputError(`${where}: scopedEnforcementActions names enforcement points ${JSON.stringify(unknown.length ? unknown : points)}; accepted: ${known.join(", ")}`);
        }
    }
    const atAdmission = scoped
        .filter((entry: any) => entry.enforcementPoints.some((p: any) => admissionPoints.includes(p?.name)))
        .map((entry: any) => entry.action);
    for (const candidate of atAdmission) {
        if (!(ENFORCEMENT_ACTIONS as readonly string[]).includes(candidate)) {
            throw new UnusableInputError(`${where}: scoped action ${JSON.stringify(candidate)} is not supported; accepted: ${ENFORCEMENT_ACTIONS.join(", ")}`);
        }
    }
    return (["deny", "warn"] as const).find((a) => atAdmission.includes(a)) ?? "dryrun";
}

function toConstraint(object: K8sObject, source: string, rules: readonly TemplateRule[]): Constraint[] {
    const group = String(object.apiVersion).split("/")[0];
    if (group === TEMPLATE_GROUP) {
        return []; // exported ConstraintTemplates: the pack carries its own implementation of each
    }
    const name = String(object.metadata?.name ?? "");
    const where = `${source}: ${object.kind}/${name || "<no name>"}`;
    if (group !== CONSTRAINT_GROUP) {
        throw new UnusableInputError(`${where}: apiVersion ${JSON.stringify(object.apiVersion)} is not a Gatekeeper constraint; accepted: ${CONSTRAINT_GROUP}/v1beta1 (or v1)`);
    }
    const rule = rules.find((r) => r.kind === object.kind);
    if (!rule) {
        throw new UnusableInputError(`${where}: unknown constraint kind ${JSON.stringify(object.kind)}; accepted: ${rules.map((r) => r.kind).join(", ")}`);
    }
    if (!name) {
        throw new UnusableInputError(`${where}: metadata.name is missing`);
    }
    const spec = object.spec ?? {};
    const action = admissionAction(spec, where, rule);
    const parameters = spec.parameters ?? {};
    const problems = parameterProblems(rule, parameters, where);
    if (problems.length > 0) {
        throw new UnusableInputError(problems.join("\n"));
    }
    return [{ kind: rule.kind, name, source, enforcementAction: action, match: spec.match, parameters }];
}
