import type * as pulumi from "@pulumi/pulumi";
import { SIDEKICK_CHART_NAME } from "./network/chartPods";

/** falcosidekick 0.12.1's selector label, on every falcosidekick pod: core, web UI and redis. */
const SIDEKICK_NAME_LABEL = "app.kubernetes.io/name";

const WORKLOAD_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];

/**
 * A Pulumi transform for the chart's children: falcosidekick, the web UI and
 * redis never call the Kubernetes API (our outputs are HTTP to Alertmanager and
 * Loki), but chart 0.12.1 has no value to stop mounting their service-account
 * tokens. It sets `automountServiceAccountToken: false` on their pod templates,
 * which takes precedence over the ServiceAccount. Falco's pods are not touched.
 * The engine applies it to a helm.v4.Chart's children in a real deployment;
 * the mock runtime records it but, with no children, cannot run it.
 */
export function withoutServiceAccountToken(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
    const props = args.props as any;
    const template = props?.spec?.template;
    if (!WORKLOAD_TYPES.includes(args.type) || template?.metadata?.labels?.[SIDEKICK_NAME_LABEL] !== SIDEKICK_CHART_NAME) {
        return undefined;
    }
    return {
        props: { ...props, spec: { ...props.spec, template: { ...template, spec: { ...template.spec, automountServiceAccountToken: false } } } },
        opts: args.opts,
    };
}
