import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FALCO_CHART, FalcoChartValues } from "./falcoValues";
import { COMPONENT_TYPES } from "./naming";
import { withoutServiceAccountToken } from "./serviceAccountTokens";

export interface FalcoReleaseArgs {
    namespace: pulumi.Input<string>;
    /** Helm release name; contains "falco" (validated), so the chart's sidekick URL resolves. */
    releaseName: string;
    /** An Output when falcosidekick's targets come from the monitoring stack's outputs. */
    values: pulumi.Input<FalcoChartValues>;
}

/**
 * The falco chart as a Helm v4 Chart: unlike helm.v3.Release, every rendered
 * object becomes a child resource, visible in preview and to the policy pack.
 */
export class FalcoRelease extends pulumi.ComponentResource {
    public readonly chart: k8s.helm.v4.Chart;
    public readonly chartVersion: string = FALCO_CHART.version;
    public readonly appVersion: string = FALCO_CHART.appVersion;

    constructor(name: string, args: FalcoReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.release, name, {}, opts);
        this.chart = new k8s.helm.v4.Chart(
            name,
            {
                name: args.releaseName,
                chart: FALCO_CHART.name,
                version: FALCO_CHART.version,
                repositoryOpts: { repo: FALCO_CHART.repo },
                namespace: args.namespace,
                values: args.values as unknown as pulumi.Input<Record<string, pulumi.Input<unknown>>>,
            },
            { parent: this, transforms: [withoutServiceAccountToken] },
        );
        this.registerOutputs({ chartVersion: this.chartVersion, appVersion: this.appVersion });
    }
}
