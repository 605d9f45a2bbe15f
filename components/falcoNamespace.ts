import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, POD_SECURITY_VERSION } from "./naming";

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
                    labels: {
                        "pod-security.kubernetes.io/enforce": "privileged",
                        "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
                    },
                },
            },
            { parent: this },
        );
        this.name = this.namespace.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
