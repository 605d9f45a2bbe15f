/**
 * Shapes shared by the evaluation core, the CrossGuard pack and the command-line
 * checker. Nothing here depends on the Pulumi runtime.
 */

/** A Kubernetes object as plain JSON (a manifest document, or a Pulumi resource's inputs). */
export type K8sObject = Record<string, any>;

/** What Gatekeeper's admission webhook is asked about: one object and the operation. */
export interface Review {
    object: K8sObject;
    operation: "CREATE" | "UPDATE";
    /** The object's group/version/kind, as in AdmissionReview.request.kind. */
    kind: { group: string; version: string; kind: string };
}

/**
 * Which engine a current Gatekeeper runs for a template: the K8sNativeValidation
 * (CEL) driver is registered before the Rego driver (gatekeeper main.go, on by
 * default since 3.17 via --enable-k8s-native-validation), and the constraint
 * framework uses the first driver that has code for the template. So a template
 * that carries both is judged by its CEL.
 */
export type Engine = "K8sNativeValidation" | "Rego";

/** A gatekeeper-library ConstraintTemplate, re-implemented as a pure function. */
export interface TemplateRule {
    /** Template name, e.g. "k8scontainerlimits"; also the policy's name. */
    readonly name: string;
    /** Constraint kind the template defines, e.g. "K8sContainerLimits". */
    readonly kind: string;
    /** The engine whose verdict this rule reproduces. */
    readonly engine: Engine;
    /** gatekeeper-library version of the template that was read. */
    readonly libraryVersion: string;
    readonly description: string;
    /** JSON schema of `spec.parameters` (the template's openAPIV3Schema). */
    readonly parameterSchema: { type: "object"; properties: Record<string, unknown> };
    /** Violation messages for one review, given the constraint's parameters. */
    evaluate(review: Review, parameters: Record<string, any>): string[];
}

export type Enforcement = "mandatory" | "advisory";

/** One finding, as the checker prints it and the pack reports it. */
export interface Violation {
    policy: string;
    kind: string;
    namespace: string;
    name: string;
    message: string;
    enforcement: Enforcement;
}

/** A mistake in input the user gave (constraint or manifest file): exit code 2, clear message. */
export class UnusableInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UnusableInputError";
    }
}
