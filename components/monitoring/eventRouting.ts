import * as pulumi from "@pulumi/pulumi";
import { ProblemList, show } from "../config/errors";
import { peerNamespaceProblem } from "../config/network";
import { FieldReader } from "../config/fieldReader";
import type { StackConfig } from "../config/stackConfig";
import type { FalcoChartValues } from "../falcoValues";

/**
 * Where falcosidekick sends events: Alertmanager (warning and above by default)
 * and Loki (everything). The URLs come from configuration, or, when
 * `falco:monitoringStack` names a stack, from that stack's outputs - and then
 * the Falco resources wait for the monitoring stack, as the old deployment did.
 */

/** Outputs a monitoring stack must export for `falco:monitoringStack`. */
export const MONITORING_STACK_OUTPUTS = { alertmanagerUrl: "alertmanagerUrl", lokiUrl: "lokiUrl" } as const;

export interface EventRouting {
    alertmanagerUrl: pulumi.Input<string>;
    lokiUrl: pulumi.Input<string>;
    /** Resources the Falco objects must wait for: the monitoring stack's reference, when there is one. */
    dependsOn: pulumi.Resource[];
}

/** The NetworkPolicy peer an event target must be reached through: its `falco:network` key and namespace. */
export interface TargetPeer {
    key: string;
    namespace: string;
    /** falcosidekick's own namespace (`falco:namespace`), where a bare Service name in a URL resolves. */
    podNamespace: string;
}

/**
 * The same checks as `falco:alertmanager.url` and `falco:loki.url`: http(s)://host:port, no path, and a
 * Service in the namespace `falco:network` lets falcosidekick reach (else the NetworkPolicy drops the events).
 */
export function checkStackUrl(stack: string, output: string, value: unknown, peer?: TargetPeer): string {
    const problems = new ProblemList();
    const path = `falco:monitoringStack: stack "${stack}" output "${output}"`;
    if (value === undefined || value === null) {
        problems.add(`${path}: missing; the monitoring stack must export it (http://HOST:PORT)`);
    } else {
        const url = new FieldReader(problems).httpHostPort(value, path);
        const mismatch = peer && problems.count === 0 ? peerNamespaceProblem(url, peer.namespace, peer.podNamespace) : undefined;
        if (mismatch) {
            problems.add(
                `${path}: ${show(url)} is a Service in namespace ${show(mismatch.urlNamespace)}, but ${peer!.key}.namespace is ${show(peer!.namespace)}, so the NetworkPolicy would drop falcosidekick's events; accepted: a URL of a Service in ${show(peer!.namespace)}, or ${peer!.key} set to the pods behind this URL`,
            );
        }
    }
    problems.throwIfAny("invalid monitoring stack outputs");
    return value as string;
}

export function eventRouting(config: StackConfig): EventRouting {
    if (config.monitoringStack === "") {
        return { alertmanagerUrl: config.alertmanager.url, lokiUrl: config.loki.url, dependsOn: [] };
    }
    const stack = config.monitoringStack;
    const reference = new pulumi.StackReference("monitoring-stack", { name: stack });
    const url = (output: string, target: "alertmanager" | "loki") =>
        reference.getOutput(output).apply((value) => checkStackUrl(stack, output, value, { key: `falco:network.${target}`, namespace: config.network[target].namespace, podNamespace: config.namespace }));
    return {
        alertmanagerUrl: url(MONITORING_STACK_OUTPUTS.alertmanagerUrl, "alertmanager"),
        lokiUrl: url(MONITORING_STACK_OUTPUTS.lokiUrl, "loki"),
        dependsOn: [reference],
    };
}

/** The chart values with falcosidekick's targets taken from `routing`. */
export function withEventRouting(values: FalcoChartValues, routing: EventRouting): pulumi.Output<FalcoChartValues> {
    return pulumi.all([routing.alertmanagerUrl, routing.lokiUrl]).apply(([alertmanagerUrl, lokiUrl]) => {
        const { alertmanager, loki } = values.falcosidekick.config;
        return {
            ...values,
            falcosidekick: {
                ...values.falcosidekick,
                config: {
                    ...values.falcosidekick.config,
                    alertmanager: { ...alertmanager, hostport: alertmanagerUrl },
                    loki: { ...loki, hostport: lokiUrl },
                },
            },
        };
    });
}
