import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkPolicy } from "./network/evaluator";
import { COMPONENT_TYPES } from "./naming";

export interface FalcoNetworkPoliciesArgs {
    /** The stack's namespace; an Output, so that the policies wait for it. */
    namespace: pulumi.Input<string>;
    /** The policies to declare, built by the pure `falcoNetworkPolicies(config)`. */
    policies: NetworkPolicy[];
}

/** The falco namespace's NetworkPolicies: a default deny and one policy per component. */
export class FalcoNetworkPolicies extends pulumi.ComponentResource {
    public readonly policies: k8s.networking.v1.NetworkPolicy[];
    public readonly names: string[];

    constructor(name: string, args: FalcoNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.networkPolicies, name, {}, opts);
        this.names = args.policies.map((p) => p.metadata.name);
        this.policies = args.policies.map(
            (policy) =>
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-${policy.metadata.name}`,
                    {
                        // Explicit, deterministic names: the README and the flow matrix refer to them.
                        metadata: { ...policy.metadata, namespace: args.namespace },
                        spec: policy.spec as k8s.types.input.networking.v1.NetworkPolicySpec,
                    },
                    { parent: this },
                ),
        );
        this.registerOutputs({ names: this.names });
    }
}
