import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, POD_SECURITY_VERSION } from "./naming";
import { PodSecurityLevel } from "./podSecurity";

/**
 * Pod Security admission modes of the namespace:
 * - enforce `privileged`: Falco's DaemonSet (privileged, host paths) must be admitted;
 * - warn and audit `restricted`: every other pod here is hardened to `restricted`, so
 *   the only expected warning names Falco's DaemonSet; any other one is a workload
 *   that drifted (kubectl prints warnings, the API server's audit log records audit ones).
 *   `baseline` would miss the drifts that matter most here: root, kept capabilities,
 *   privilege escalation, no seccomp.
 */
export const POD_SECURITY_MODES: Record<"enforce" | "warn" | "audit", PodSecurityLevel> = {
    enforce: "privileged",
    warn: "restricted",
    audit: "restricted",
};

export function podSecurityLabels(): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const [mode, level] of Object.entries(POD_SECURITY_MODES)) {
        labels[`pod-security.kubernetes.io/${mode}`] = level;
        labels[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
    }
    return labels;
}

export interface FalcoNamespaceArgs {
    /** Namespace name, validated as a DNS label by the configuration. */
    name: string;
}

/** The namespace that holds the whole stack, with the Pod Security labels Falco needs. */
export class FalcoNamespace extends pulumi.ComponentResource {
    public readonly name: pulumi.Output<string>;
    public readonly namespace: k8s.core.v1.Namespace;

    constructor(name: string, args: FalcoNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.namespace, name, {}, opts);
        this.namespace = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    // Explicit name: the chart and every other object reference it.
                    name: args.name,
                    labels: podSecurityLabels(),
                },
            },
            // The event store (redis' PVC) is created by the chart's StatefulSet, not by
            // Pulumi; deleting the StatefulSet keeps it, deleting the namespace does not.
            // So the namespace is what must not go by surprise: destroy and replace stop
            // here (README, "Destroy without losing the event store").
            { parent: this, protect: true },
        );
        this.name = this.namespace.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
