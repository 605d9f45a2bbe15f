import { expect } from "chai";
import * as fs from "fs";
import { UserInputError } from "../../components/config/errors";
import { parseStackConfig } from "../../components/config/stackConfig";
import { DASHBOARD_CONFIGMAP_NAME, DASHBOARD_FILE } from "../../components/monitoring";
import { ALERT_NAMES } from "../../components/monitoring/alerts";
import { DASHBOARD_TITLE, DATASOURCE_VARIABLES, falcoDashboard } from "../../components/monitoring/dashboard";
import { checkStackUrl, MONITORING_STACK_OUTPUTS } from "../../components/monitoring/eventRouting";
import { catalogueNames, METRICS } from "../../components/monitoring/metrics";
import { renderFiles } from "../../scripts/render";
import { README_PATH } from "../../scripts/docs";
import { ProgramRun, RecordedResource, runProgram, STACK_REFERENCE_TYPE } from "../../scripts/mockRuntime";
import { homelabEngineConfig, homelabObject, homelabWith } from "../support/configFixtures";
import { interpolateGrafanaMacros, logqlErrors, promqlErrors, promqlMetricNames } from "../support/queryParsers";

// Maintained models of the prometheus-operator CRD schemas (4.x: loadable with require).
const { ServiceMonitor } = require("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor");
const { PrometheusRule } = require("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule");
const { ConfigMap } = require("kubernetes-models/v1/ConfigMap");

const byType = (run: ProgramRun, type: string): RecordedResource[] => run.resources.filter((r) => r.type === type);
const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const CHART = "kubernetes:helm.sh/v4:Chart";

function withoutPulumiKeys(inputs: Record<string, unknown>): Record<string, unknown> {
    const { apiVersion, kind, metadata, ...rest } = inputs;
    return { apiVersion, kind, metadata, ...rest };
}

describe("monitoring objects the program declares", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(homelabEngineConfig());
    });

    it("are in the offline render, one manifest each", () => {
        const files = [...renderFiles(run).keys()];
        for (const file of [
            "manifests/servicemonitor_falco_falco.yaml",
            "manifests/servicemonitor_falco_falco-falcosidekick.yaml",
            "manifests/prometheusrule_falco_falco-security-alerts.yaml",
            `manifests/configmap_falco_${DASHBOARD_CONFIGMAP_NAME}.yaml`,
        ]) {
            expect(files).to.include(file);
        }
    });

    it("read only metrics that the chart values make Falco export", () => {
        const [chart] = byType(run, CHART);
        const metrics = (chart.inputs.values as any).metrics;
        expect(metrics.enabled, "metrics.enabled (also turns on the web server's /metrics)").to.equal(true);
        const needed = new Set(Object.values(METRICS).flatMap((m) => (m.needs ? [m.needs] : [])));
        expect([...needed].sort()).to.deep.equal(["kernelEventCountersEnabled", "resourceUtilizationEnabled", "rulesCountersEnabled"]);
        for (const option of needed) {
            expect(metrics[option], `metrics.${option}`).to.equal(true);
        }
    });

    describe("ServiceMonitors", () => {
        const monitors = () => byType(run, SERVICE_MONITOR).map((r) => r.inputs as any);

        it("scrape Falco's metrics port and falcosidekick's http port every 30s, with the labels Prometheus selects on", () => {
            const [falco, sidekick] = monitors();
            expect(falco.spec.selector.matchLabels).to.deep.equal({ "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco", type: "falco-metrics" });
            expect(sidekick.spec.selector.matchLabels).to.deep.equal({
                "app.kubernetes.io/name": "falcosidekick",
                "app.kubernetes.io/instance": "falco",
                "app.kubernetes.io/component": "core",
            });
            expect(falco.spec.endpoints.map((e: any) => [e.port, e.interval, e.path])).to.deep.equal([["metrics", "30s", "/metrics"]]);
            expect(sidekick.spec.endpoints.map((e: any) => [e.port, e.interval, e.path])).to.deep.equal([["http", "30s", "/metrics"]]);
            for (const m of monitors()) {
                expect(m.metadata.labels.release).to.equal("kube-prometheus-stack");
                expect(m.metadata.namespace).to.equal("falco");
                expect(m.spec.namespaceSelector).to.deep.equal({ matchNames: ["falco"] });
            }
        });

        it("validate against the prometheus-operator ServiceMonitor schema", () => {
            expect(monitors()).to.have.length(2);
            for (const m of monitors()) {
                expect(() => new ServiceMonitor(withoutPulumiKeys(m)).validate()).to.not.throw();
            }
        });

        it("would be refused by that schema with a bad interval (the validator does check)", () => {
            const broken = JSON.parse(JSON.stringify(monitors()[0]));
            broken.spec.endpoints[0].interval = "30 seconds";
            expect(() => new ServiceMonitor(broken).validate()).to.throw(/interval/);
        });

        it("follow falco:monitoring", async () => {
            const monitoring = { ...homelabObject("monitoring"), prometheusLabels: { prometheus: "homelab" }, scrapeInterval: "1m" };
            const other = await runProgram(homelabWith({ monitoring }));
            for (const m of byType(other, SERVICE_MONITOR).map((r) => r.inputs as any)) {
                expect(m.metadata.labels.prometheus).to.equal("homelab");
                expect(m.metadata.labels.release).to.equal(undefined);
                expect(m.spec.endpoints[0].interval).to.equal("1m");
            }
            const [rule] = byType(other, PROMETHEUS_RULE);
            expect((rule.inputs.metadata as any).labels.prometheus).to.equal("homelab");
        });
    });

    describe("PrometheusRule", () => {
        it("validates against the prometheus-operator PrometheusRule schema", () => {
            const [rule] = byType(run, PROMETHEUS_RULE);
            expect(() => new PrometheusRule(withoutPulumiKeys(rule.inputs)).validate()).to.not.throw();
            const broken = JSON.parse(JSON.stringify(rule.inputs));
            broken.spec.groups[0].rules[0].for = "five minutes";
            expect(() => new PrometheusRule(broken).validate()).to.throw(/for/);
        });

        it("points every runbook link at a README heading", () => {
            const readme = fs.readFileSync(README_PATH, "utf8");
            for (const name of ALERT_NAMES) {
                expect(readme, name).to.contain(`\n#### ${name}\n`);
            }
        });
    });

    describe("Grafana dashboard", () => {
        const configMap = () => byType(run, CONFIG_MAP).find((r) => (r.inputs.metadata as any).name === DASHBOARD_CONFIGMAP_NAME)!;
        const dashboard = () => JSON.parse((configMap().inputs.data as any)[DASHBOARD_FILE]);
        const targets = (d: any) => d.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => ({ panel: p.title, type: p.datasource.type, expr: t.expr as string })));

        it("is a ConfigMap with the sidecar's label and folder annotation, and a valid ConfigMap", () => {
            const cm = configMap().inputs as any;
            expect(cm.metadata.labels.grafana_dashboard).to.equal("1");
            expect(cm.metadata.annotations).to.deep.equal({ grafana_folder: "Security" });
            expect(() => new ConfigMap(withoutPulumiKeys(cm)).validate()).to.not.throw();
        });

        it(`is titled "${DASHBOARD_TITLE}" with the panels the issue lists and datasources as variables`, () => {
            const d = dashboard();
            expect(d.title).to.equal("Falco Runtime Security");
            const titles = d.panels.map((p: any) => p.title);
            for (const title of [
                "Critical and above (24h)",
                "Error (24h)",
                "Warning (24h)",
                "Events by priority",
                "Events by rule",
                "Events by namespace",
                "Top pods",
                "Syscall event rate per node",
                "Falco memory per node (RSS)",
                "Falco CPU per node",
                "Kernel event drop rate per node",
                "Falco events (Loki)",
            ]) {
                expect(titles).to.include(title);
            }
            expect(d.templating.list.map((v: any) => [v.name, v.type, v.query])).to.deep.equal([
                [DATASOURCE_VARIABLES.prometheus, "datasource", "prometheus"],
                [DATASOURCE_VARIABLES.loki, "datasource", "loki"],
            ]);
            for (const panel of d.panels.filter((p: any) => p.type !== "row")) {
                expect(panel.datasource.uid, panel.title).to.match(/^\$\{(datasource|loki_datasource)\}$/);
            }
        });

        it("has PromQL that Prometheus' parser accepts and that reads only catalogued metrics", () => {
            const known = catalogueNames();
            const prom = targets(dashboard()).filter((t: any) => t.type === "prometheus");
            expect(prom.length).to.be.greaterThan(10);
            for (const t of prom) {
                const query = interpolateGrafanaMacros(t.expr);
                expect(promqlErrors(query), `${t.panel}: ${query}`).to.deep.equal([]);
                for (const name of promqlMetricNames(query)) {
                    expect(known.has(name), `${t.panel} reads ${name}`).to.equal(true);
                }
            }
        });

        it("has LogQL that Loki's parser accepts", () => {
            const loki = targets(dashboard()).filter((t: any) => t.type === "loki");
            expect(loki).to.have.length(1);
            for (const t of loki) {
                expect(logqlErrors(t.expr), t.expr).to.deep.equal([]);
            }
        });

        it("the query checks do catch a broken query", () => {
            expect(promqlErrors("sum(rate(falcosecurity_scap_n_evts_total[5m])")).to.not.deep.equal([]);
            expect(logqlErrors('{rule=~".+"')).to.not.deep.equal([]);
            expect(promqlMetricNames("rate(falco_events[5m])").every((n) => catalogueNames().has(n))).to.equal(false);
        });

        it("leaves the Loki panel and variable out without a Loki datasource", () => {
            const d = falcoDashboard({ lokiDatasource: "" }) as any;
            expect(d.panels.some((p: any) => p.type === "logs")).to.equal(false);
            expect(d.templating.list.map((v: any) => v.name)).to.deep.equal([DATASOURCE_VARIABLES.prometheus]);
        });
    });

    describe("falco:monitoring validation", () => {
        const refused = (monitoring: unknown): string => {
            try {
                parseStackConfig(homelabWith({ monitoring }));
            } catch (err) {
                expect(UserInputError.isUserInputError(err)).to.equal(true);
                return (err as Error).message;
            }
            throw new Error("accepted");
        };

        it("refuses a scrape interval Prometheus would not read, naming key, value and what is accepted", () => {
            expect(refused({ ...homelabObject("monitoring"), scrapeInterval: "30 seconds" })).to.contain(
                'falco:monitoring.scrapeInterval: "30 seconds" is not accepted; accepted: a Prometheus duration',
            );
        });

        it("refuses a label value that is not a string", () => {
            expect(refused({ ...homelabObject("monitoring"), dashboardLabels: { grafana_dashboard: 1 } })).to.contain(
                "falco:monitoring.dashboardLabels.grafana_dashboard: 1 is not a Kubernetes label value",
            );
        });

        it("refuses unknown keys", () => {
            expect(refused({ ...homelabObject("monitoring"), scrapeIntreval: "30s" })).to.contain("falco:monitoring.scrapeIntreval: unknown key");
        });

        it("refuses a malformed monitoring stack name", () => {
            expect(() => parseStackConfig(homelabWith({ monitoringStack: "a b" }))).to.throw(/falco:monitoringStack: "a b" is not accepted/);
        });
    });

    describe("falco:monitoringStack", () => {
        const stack = "homelab/monitoring/prod";
        const outputs = { [MONITORING_STACK_OUTPUTS.alertmanagerUrl]: "http://am.monitoring.svc:9093", [MONITORING_STACK_OUTPUTS.lokiUrl]: "http://loki-gw.monitoring.svc:3100" };

        it("routes falcosidekick to the URLs the monitoring stack exports", async () => {
            const other = await runProgram(homelabWith({ monitoringStack: stack }), "homelab", undefined, [], { [stack]: outputs });
            const [chart] = byType(other, CHART);
            const sidekick = (chart.inputs.values as any).falcosidekick.config;
            expect(sidekick.alertmanager.hostport).to.equal("http://am.monitoring.svc:9093");
            expect(sidekick.loki.hostport).to.equal("http://loki-gw.monitoring.svc:3100");
            // Everything else in the values is as without the stack.
            const plain = byType(run, CHART)[0].inputs.values as any;
            expect({ ...(chart.inputs.values as any), falcosidekick: undefined }).to.deep.equal({ ...plain, falcosidekick: undefined });
            expect(sidekick.alertmanager.minimumpriority).to.equal("warning");
        });

        it("makes the chart and the monitoring objects depend on the stack reference", async () => {
            const other = await runProgram(homelabWith({ monitoringStack: stack }), "homelab", undefined, [], { [stack]: outputs });
            const reference = `pulumi:pulumi:StackReference::monitoring-stack`;
            expect(STACK_REFERENCE_TYPE).to.equal("pulumi:pulumi:StackReference");
            const dependsOnReference = (type: string) => {
                const registrations = other.dependencies.filter((d) => d.type === type);
                expect(registrations, type).to.have.length(1);
                return registrations.every((d) => d.dependsOn.some((urn) => urn.endsWith(reference)));
            };
            expect(dependsOnReference(CHART), "chart").to.equal(true);
            expect(dependsOnReference("falco-homelab:index:FalcoRelease"), "release component").to.equal(true);
            expect(dependsOnReference("falco-homelab:index:FalcoMonitoring"), "monitoring component").to.equal(true);
            // Without the key there is no reference at all.
            expect(run.dependencies.some((d) => d.dependsOn.some((urn) => urn.endsWith(reference)))).to.equal(false);
        });

        it("refuses a monitoring stack output that is missing or not a URL, naming the stack and the output", () => {
            expect(() => checkStackUrl(stack, "alertmanagerUrl", undefined)).to.throw(`falco:monitoringStack: stack "${stack}" output "alertmanagerUrl": missing`);
            expect(() => checkStackUrl(stack, "lokiUrl", "loki:3100")).to.throw(`output "lokiUrl": "loki:3100" is not accepted; accepted: http://HOST:PORT`);
            expect(checkStackUrl(stack, "lokiUrl", "http://loki:3100")).to.equal("http://loki:3100");
        });

        it("refuses a monitoring stack URL in a namespace falco:network does not let falcosidekick reach", () => {
            const peer = { key: "falco:network.loki", namespace: "monitoring", podNamespace: "falco" };
            expect(checkStackUrl(stack, "lokiUrl", "http://loki-gw.monitoring.svc:3100", peer)).to.equal("http://loki-gw.monitoring.svc:3100");
            expect(() => checkStackUrl(stack, "lokiUrl", "http://loki-gw.logging.svc.cluster.local:3100", peer)).to.throw(
                `falco:monitoringStack: stack "${stack}" output "lokiUrl": "http://loki-gw.logging.svc.cluster.local:3100" is a Service in namespace "logging", but falco:network.loki.namespace is "monitoring", so the NetworkPolicy would drop falcosidekick's events; accepted: a URL of a Service in "monitoring", or falco:network.loki set to the pods behind this URL`,
            );
            // NAME.NAMESPACE reaches the Service through the pod's DNS search path: judged the same way.
            expect(() => checkStackUrl(stack, "lokiUrl", "http://loki-gw.logging:3100", peer)).to.throw(`is a Service in namespace "logging", but falco:network.loki.namespace is "monitoring"`);
            // A bare name is a Service in falcosidekick's own namespace.
            expect(() => checkStackUrl(stack, "lokiUrl", "http://loki:3100", peer)).to.throw(`is a Service in namespace "falco", but falco:network.loki.namespace is "monitoring"`);
            // A URL that names no in-cluster Service cannot be judged by namespace.
            expect(checkStackUrl(stack, "lokiUrl", "http://192.168.1.20:3100", peer)).to.equal("http://192.168.1.20:3100");
        });

        it("declares no chart when a monitoring stack URL is in another namespace than falco:network allows", async () => {
            const elsewhere = { ...outputs, [MONITORING_STACK_OUTPUTS.alertmanagerUrl]: "http://am.observability.svc:9093" };
            const other = await runProgram(homelabWith({ monitoringStack: stack }), "homelab", undefined, [], { [stack]: elsewhere });
            expect(byType(other, CHART)).to.deep.equal([]);
            // The same stack with the URL in falco:network's namespace does declare it (the test above).
        });

        it("declares no chart when the monitoring stack lacks an output", async () => {
            const other = await runProgram(homelabWith({ monitoringStack: stack }), "homelab", undefined, [], { [stack]: { lokiUrl: "http://loki.monitoring:3100" } });
            expect(byType(other, CHART)).to.deep.equal([]);
        });
    });
});
