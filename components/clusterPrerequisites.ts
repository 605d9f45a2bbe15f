import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config/stackConfig";
import { inClusterService } from "./config/url";
import { COMPONENT_TYPES } from "./naming";

/**
 * What the cluster must already have before this stack declares anything: the
 * monitoring stack's Prometheus-operator CRDs (the ServiceMonitors and the
 * PrometheusRule are of their kinds) and, when the event targets are given as
 * in-cluster URLs, their Services. The old deployment ran after the monitoring
 * stack for the same reason.
 *
 * Each is read with `Resource.get` during preview; every object of the stack
 * depends on those reads, so a missing one fails the preview (and `up`) on the
 * read, named after what is missing, before anything is created.
 */

/** `<plural>.<group>` of the Prometheus operator kinds this stack creates (components/monitoring.ts). */
export const PROMETHEUS_OPERATOR_CRDS = ["servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"] as const;

export interface ClusterPrerequisite {
    kind: "CustomResourceDefinition" | "Service";
    /** The provider id a read takes: `name` for cluster-scoped objects, `namespace/name` otherwise. */
    id: string;
    /** Resource name of the read: says what is required, so a failed preview names it. */
    resourceName: string;
}

export function clusterPrerequisites(config: Pick<StackConfig, "alertmanager" | "loki" | "monitoringStack" | "namespace">): ClusterPrerequisite[] {
    const required: ClusterPrerequisite[] = PROMETHEUS_OPERATOR_CRDS.map((crd) => ({
        kind: "CustomResourceDefinition",
        id: crd,
        resourceName: `required-crd-${crd}`,
    }));
    // With falco:monitoringStack the targets come from that stack, and its StackReference is the dependency.
    if (config.monitoringStack === "") {
        for (const [what, url] of [["alertmanager", config.alertmanager.url], ["loki", config.loki.url]] as const) {
            const service = inClusterService(url, config.namespace);
            if (service) {
                required.push({ kind: "Service", id: `${service.namespace}/${service.name}`, resourceName: `required-${what}-service-${service.namespace}-${service.name}` });
            }
        }
    }
    return required;
}

export interface ClusterPrerequisitesArgs {
    required: ClusterPrerequisite[];
}

/** Reads every prerequisite; `found` is what the stack's first object depends on. */
export class ClusterPrerequisites extends pulumi.ComponentResource {
    public readonly found: pulumi.CustomResource[];

    constructor(name: string, args: ClusterPrerequisitesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.prerequisites, name, {}, opts);
        this.found = args.required.map((item) =>
            item.kind === "CustomResourceDefinition"
                ? k8s.apiextensions.v1.CustomResourceDefinition.get(item.resourceName, item.id, { parent: this })
                : k8s.core.v1.Service.get(item.resourceName, item.id, { parent: this }),
        );
        this.registerOutputs({});
    }
}
