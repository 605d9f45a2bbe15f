import { FALCO_CHART } from "../falcoValues";
import type { Labels } from "./evaluator";

/** The pods the chart runs in the stack's namespace. */
export const FALCO_COMPONENTS = ["falco", "sidekick", "webui", "redis"] as const;
export type FalcoComponent = (typeof FALCO_COMPONENTS)[number];

/** `.Chart.Name` of the subchart; its pods' app.kubernetes.io/name (nameOverride is not set). */
export const SIDEKICK_CHART_NAME = "falcosidekick";

/** What each component is, for policy names and the README. */
export const COMPONENT_NAMES: Record<FalcoComponent, string> = {
    falco: "falco",
    sidekick: "falcosidekick",
    webui: "falcosidekick-ui",
    redis: "falcosidekick-ui-redis",
};

/**
 * The labels that select each component's pods, as the charts render them for
 * a release name:
 * - chart falco 8.0.1, `falco.selectorLabels` in templates/_helpers.tpl, used
 *   by the DaemonSet pod template (templates/pod-template.tpl):
 *   app.kubernetes.io/name = chart name, app.kubernetes.io/instance = release;
 * - falcosidekick 0.12.1, `falcosidekick.selectorLabels` plus the
 *   app.kubernetes.io/component label each workload adds: `core` (deployment.yaml),
 *   `ui` and `ui-redis` (deployment-ui.yaml: the UI Deployment and the redis
 *   StatefulSet). A subchart sees its parent's release name.
 * Only selector labels are used: the chart adds others (version, helm.sh/chart)
 * that change with every upgrade.
 */
export function chartPodSelector(releaseName: string, component: FalcoComponent): Labels {
    if (component === "falco") {
        return { "app.kubernetes.io/name": FALCO_CHART.name, "app.kubernetes.io/instance": releaseName };
    }
    const sidekickComponent = { sidekick: "core", webui: "ui", redis: "ui-redis" }[component];
    return {
        "app.kubernetes.io/name": SIDEKICK_CHART_NAME,
        "app.kubernetes.io/instance": releaseName,
        "app.kubernetes.io/component": sidekickComponent,
    };
}
