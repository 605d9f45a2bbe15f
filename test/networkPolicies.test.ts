/**
 * The falco namespace's NetworkPolicies, as the PROGRAM declares them (taken
 * from a run under Pulumi's mock runtime), checked against a flow matrix with
 * the NetworkPolicy evaluator, against the Kubernetes schema, and against the
 * upstream charts.
 */
import { expect } from "chai";
import { parseStackConfig, StackConfig } from "../components/config/stackConfig";
import { UserInputError } from "../components/config/errors";
import { FALCO_CHART } from "../components/falcoValues";
import { chartPodSelector } from "../components/network/chartPods";
import { Endpoint, evaluateFlow, Flow, NetworkPolicy, PodEndpoint, Protocol } from "../components/network/evaluator";
import { allowedFlows, allowedFlowsMarkdown, falcoNetworkPolicies } from "../components/network/falcoFlows";
import { COMPONENT_TYPES } from "../components/naming";
import { RecordedResource, runProgram } from "../scripts/mockRuntime";
import { homelabEngineConfig, homelabObject, homelabWith } from "./support/configFixtures";
import { readUpstreamYaml, requireUpstream } from "./support/upstream";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { NetworkPolicy: NetworkPolicyModel } = require("kubernetes-models/networking.k8s.io/v1/NetworkPolicy");

const NETWORK_POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

function declaredPolicies(resources: RecordedResource[]): NetworkPolicy[] {
    return resources.filter((r) => r.type === NETWORK_POLICY_TYPE).map((r) => r.inputs as unknown as NetworkPolicy);
}

/*
 * Pods as the charts run them for release "falco" in namespace "falco", with
 * the full label sets of their pod templates (not only selector labels), and
 * pods of the homelab's other namespaces. Written out by hand on purpose: the
 * policies are generated from chartPodSelector(), this table is not.
 */
const sidekickLabels = {
    "helm.sh/chart": "falcosidekick-0.12.1",
    "app.kubernetes.io/name": "falcosidekick",
    "app.kubernetes.io/instance": "falco",
    "app.kubernetes.io/version": "2.32.0",
    "app.kubernetes.io/managed-by": "Helm",
};
const POD = {
    falco: { kind: "pod", namespace: "falco", labels: { "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco" }, ip: "10.42.1.10" },
    sidekick: {
        kind: "pod",
        namespace: "falco",
        labels: { ...sidekickLabels, "app.kubernetes.io/component": "core" },
        ports: [{ name: "http", containerPort: 2801, protocol: "TCP" }],
    },
    webui: {
        kind: "pod",
        namespace: "falco",
        ip: "10.42.2.5",
        labels: { ...sidekickLabels, "app.kubernetes.io/component": "ui" },
        ports: [{ name: "http", containerPort: 2802, protocol: "TCP" }],
    },
    redis: {
        kind: "pod",
        namespace: "falco",
        labels: { ...sidekickLabels, "app.kubernetes.io/component": "ui-redis" },
        ports: [{ name: "redis", containerPort: 6379, protocol: "TCP" }],
    },
    strayInFalcoNs: { kind: "pod", namespace: "falco", labels: { run: "debug-shell" } },
    prometheus: { kind: "pod", namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus", prometheus: "kube-prometheus-stack-prometheus" } },
    alertmanager: { kind: "pod", namespace: "monitoring", labels: { "app.kubernetes.io/name": "alertmanager", alertmanager: "kube-prometheus-stack-alertmanager" } },
    loki: { kind: "pod", namespace: "monitoring", labels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/component": "single-binary" } },
    grafana: { kind: "pod", namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana" } },
    prometheusLookalike: { kind: "pod", namespace: "default", labels: { "app.kubernetes.io/name": "prometheus" } },
    coredns: { kind: "pod", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
    metricsServer: { kind: "pod", namespace: "kube-system", labels: { "k8s-app": "metrics-server" } },
    attacker: { kind: "pod", namespace: "default", labels: { app: "compromised-shop" } },
} satisfies Record<string, PodEndpoint>;

const IP = {
    githubPages: { kind: "ip", ip: "185.199.108.153" },
    ghcr: { kind: "ip", ip: "140.82.121.34" },
    apiServerNode: { kind: "ip", ip: "192.168.1.10" },
    kubernetesService: { kind: "ip", ip: "10.43.0.1" },
    lanHost: { kind: "ip", ip: "192.168.1.50" },
} satisfies Record<string, Endpoint>;

type Name = keyof typeof POD | keyof typeof IP;
const endpoint = (name: Name): Endpoint => (name in POD ? POD[name as keyof typeof POD] : IP[name as keyof typeof IP]);

/** [source, destination, port, protocol, expected, why] */
type Row = [Name, Name, number, Protocol, "allow" | "deny", string];
const FLOW_MATRIX: Row[] = [
    ["falco", "sidekick", 2801, "TCP", "allow", "events over HTTP"],
    ["sidekick", "webui", 2802, "TCP", "allow", "events to the UI"],
    ["sidekick", "alertmanager", 9093, "TCP", "allow", "alerts"],
    ["sidekick", "loki", 3100, "TCP", "allow", "logs"],
    ["webui", "redis", 6379, "TCP", "allow", "event store"],
    ["prometheus", "falco", 8765, "TCP", "allow", "scrape Falco"],
    ["prometheus", "sidekick", 2801, "TCP", "allow", "scrape falcosidekick"],
    ["falco", "coredns", 53, "UDP", "allow", "DNS"],
    ["falco", "coredns", 53, "TCP", "allow", "DNS over TCP"],
    ["sidekick", "coredns", 53, "UDP", "allow", "DNS"],
    ["sidekick", "coredns", 53, "TCP", "allow", "DNS over TCP"],
    ["webui", "coredns", 53, "UDP", "allow", "DNS"],
    ["webui", "coredns", 53, "TCP", "allow", "DNS over TCP"],
    ["falco", "githubPages", 443, "TCP", "allow", "falcoctl index"],
    ["falco", "ghcr", 443, "TCP", "allow", "falcoctl artifacts"],

    ["falco", "sidekick", 5060, "TCP", "deny", "the retired gRPC output"],
    ["falco", "webui", 2802, "TCP", "deny", "Falco talks to falcosidekick only"],
    ["falco", "redis", 6379, "TCP", "deny", "Falco talks to falcosidekick only"],
    ["sidekick", "redis", 6379, "TCP", "deny", "only the UI uses redis"],
    ["webui", "alertmanager", 9093, "TCP", "deny", "only falcosidekick alerts"],
    ["sidekick", "githubPages", 443, "TCP", "deny", "falcosidekick reaches no internet"],
    ["webui", "githubPages", 443, "TCP", "deny", "the UI reaches no internet"],
    ["redis", "githubPages", 443, "TCP", "deny", "redis reaches no internet"],
    ["redis", "coredns", 53, "UDP", "deny", "redis resolves nothing"],
    ["falco", "githubPages", 80, "TCP", "deny", "HTTPS only"],
    ["falco", "lanHost", 443, "TCP", "deny", "private ranges are not the internet"],
    ["falco", "webui", 443, "TCP", "deny", "the internet rule does not reach pods by their IP"],
    ["falco", "kubernetesService", 443, "TCP", "deny", "the API server's Service address"],
    ["falco", "apiServerNode", 6443, "TCP", "deny", "no pod of the stack calls the API"],
    ["sidekick", "apiServerNode", 6443, "TCP", "deny", "no pod of the stack calls the API"],
    ["webui", "apiServerNode", 6443, "TCP", "deny", "no pod of the stack calls the API"],
    ["redis", "apiServerNode", 6443, "TCP", "deny", "no pod of the stack calls the API"],
    ["falco", "metricsServer", 53, "UDP", "deny", "DNS goes to the DNS pods only"],
    ["attacker", "sidekick", 2801, "TCP", "deny", "no fake events from other namespaces"],
    ["attacker", "redis", 6379, "TCP", "deny", "no reading the event store"],
    ["attacker", "webui", 2802, "TCP", "deny", "no reaching the UI"],
    ["attacker", "falco", 8765, "TCP", "deny", "metrics are Prometheus' only"],
    ["grafana", "webui", 2802, "TCP", "deny", "other monitoring pods get nothing"],
    ["grafana", "sidekick", 2801, "TCP", "deny", "other monitoring pods get nothing"],
    ["prometheusLookalike", "falco", 8765, "TCP", "deny", "Prometheus' labels in another namespace"],
    ["prometheus", "redis", 6379, "TCP", "deny", "Prometheus scrapes, nothing more"],
    ["prometheus", "webui", 2802, "TCP", "deny", "Prometheus scrapes, nothing more"],
    ["prometheus", "sidekick", 2802, "TCP", "deny", "only the metrics port"],
    ["alertmanager", "sidekick", 2801, "TCP", "deny", "targets do not call back"],
    ["strayInFalcoNs", "sidekick", 2801, "TCP", "deny", "even a pod of the namespace cannot inject events"],
    ["strayInFalcoNs", "redis", 6379, "TCP", "deny", "even a pod of the namespace cannot read the store"],
    ["strayInFalcoNs", "githubPages", 443, "TCP", "deny", "default deny for unknown pods"],
];

function rowFlow([from, to, port, protocol]: Row): Flow {
    return { source: endpoint(from), destination: endpoint(to), port, protocol };
}

function matrixFailures(policies: NetworkPolicy[], rows: Row[]): string[] {
    return rows
        .map((row) => ({ row, verdict: evaluateFlow(policies, rowFlow(row)) }))
        .filter(({ row, verdict }) => (row[4] === "allow") !== verdict.allowed)
        .map(({ row, verdict }) => `${row[0]} -> ${row[1]}:${row[2]}/${row[3]} expected ${row[4]} (${row[5]}); egress ${verdict.egressAllowed}, ingress ${verdict.ingressAllowed}`);
}

describe("network isolation of the falco namespace", () => {
    let resources: RecordedResource[];
    let policies: NetworkPolicy[];
    before(async () => {
        resources = (await runProgram(homelabEngineConfig())).resources;
        policies = declaredPolicies(resources);
    });

    it("is declared by the program: a default deny and one policy per component, children of their component", () => {
        expect(policies.map((p) => p.metadata.name).sort()).to.deep.equal([
            "falco-netpol-default-deny",
            "falco-netpol-falco",
            "falco-netpol-falcosidekick",
            "falco-netpol-falcosidekick-ui",
            "falco-netpol-falcosidekick-ui-redis",
        ]);
        const component = resources.find((r) => r.type === COMPONENT_TYPES.networkPolicies)!;
        for (const r of resources.filter((r) => r.type === NETWORK_POLICY_TYPE)) {
            expect(r.parent).to.match(new RegExp(`${COMPONENT_TYPES.networkPolicies}::${component.name}$`));
            expect((r.inputs.metadata as any).namespace).to.equal("falco");
        }
        const defaultDeny = policies.find((p) => p.metadata.name === "falco-netpol-default-deny")!;
        expect(defaultDeny.spec).to.deep.equal({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it("exports the policy names as a stack output", async () => {
        const { outputs } = await runProgram(homelabEngineConfig());
        expect([...(outputs.networkPolicyNames as string[])].sort()).to.deep.equal(policies.map((p) => p.metadata.name).sort());
    });

    it("has no open-ended allow rule: every rule names its peers and its ports, and no selector is empty", () => {
        for (const policy of policies.filter((p) => !p.metadata.name.endsWith("default-deny"))) {
            expect(Object.keys(policy.spec.podSelector.matchLabels ?? {}), policy.metadata.name).to.not.be.empty;
            for (const [direction, rules] of [["ingress", policy.spec.ingress ?? []], ["egress", policy.spec.egress ?? []]] as const) {
                rules.forEach((rule, i) => {
                    const where = `${policy.metadata.name} ${direction}[${i}]`;
                    const peers = "from" in rule ? rule.from : (rule as { to?: unknown[] }).to;
                    expect(peers, where).to.be.an("array").that.is.not.empty;
                    expect(rule.ports, where).to.be.an("array").that.is.not.empty;
                    for (const port of rule.ports!) {
                        expect(port.port, where).to.be.a("number");
                        expect(port.endPort, where).to.equal(undefined);
                    }
                    for (const peer of peers as Array<Record<string, any>>) {
                        for (const selector of [peer.podSelector, peer.namespaceSelector].filter(Boolean)) {
                            expect(Object.keys(selector.matchLabels ?? {}), where).to.not.be.empty;
                        }
                    }
                });
            }
        }
    });

    describe("flow matrix", () => {
        it("every flow of the matrix gets its expected verdict", () => {
            expect(matrixFailures(policies, FLOW_MATRIX)).to.deep.equal([]);
        });

        it("fails when any single allow rule or port entry is removed: every rule is needed and the matrix can fail", () => {
            const expectedAllowed = FLOW_MATRIX.filter((row) => row[4] === "allow");
            let mutants = 0;
            policies.forEach((policy, pi) => {
                for (const direction of ["ingress", "egress"] as const) {
                    const rules = policy.spec[direction] ?? [];
                    rules.forEach((rule, ri) => {
                        const variants: Array<[string, NetworkPolicy[]]> = [];
                        const withoutRule = structuredClone(policies);
                        withoutRule[pi].spec[direction]!.splice(ri, 1);
                        variants.push([`${policy.metadata.name} ${direction}[${ri}] removed`, withoutRule]);
                        (rule.ports ?? []).forEach((_, port) => {
                            if ((rule.ports ?? []).length > 1) {
                                const withoutPort = structuredClone(policies);
                                withoutPort[pi].spec[direction]![ri].ports!.splice(port, 1);
                                variants.push([`${policy.metadata.name} ${direction}[${ri}].ports[${port}] removed`, withoutPort]);
                            }
                        });
                        for (const [what, mutated] of variants) {
                            mutants++;
                            expect(matrixFailures(mutated, expectedAllowed), `${what}: no expected-allowed flow failed`).to.not.deep.equal([]);
                        }
                    });
                }
            });
            expect(mutants).to.be.greaterThan(15);
        });

        it("fails when the default deny is removed: unknown pods would reach the internet", () => {
            const withoutDefaultDeny = policies.filter((p) => !p.metadata.name.endsWith("default-deny"));
            expect(matrixFailures(withoutDefaultDeny, FLOW_MATRIX)).to.include.members([
                "strayInFalcoNs -> githubPages:443/TCP expected deny (default deny for unknown pods); egress true, ingress true",
            ]);
        });

        it("fails when a selector uses a label the chart's pods do not carry", () => {
            const broken = structuredClone(policies);
            broken.find((p) => p.metadata.name === "falco-netpol-falcosidekick")!.spec.podSelector.matchLabels!["app.kubernetes.io/component"] = "sidekick";
            expect(matrixFailures(broken, FLOW_MATRIX)).to.include.members([
                "falco -> sidekick:2801/TCP expected allow (events over HTTP); egress true, ingress false",
            ]);
        });
    });

    describe("schema", () => {
        it("every generated NetworkPolicy validates against the Kubernetes OpenAPI schema (kubernetes-models)", () => {
            expect(policies.length).to.equal(5);
            for (const policy of policies) {
                expect(() => new NetworkPolicyModel(policy).validate(), policy.metadata.name).to.not.throw();
            }
        });

        it("the validator rejects a broken policy (so the check above can fail)", () => {
            const broken = structuredClone(policies.find((p) => p.metadata.name === "falco-netpol-falco")) as any;
            broken.spec.ingress[0].from[0] = { ipBlock: { except: ["10.0.0.0/8"] } };
            expect(() => new NetworkPolicyModel(broken).validate()).to.throw(/ipBlock must have required property 'cidr'|cidr/);
            const badType = structuredClone(policies.find((p) => p.metadata.name === "falco-netpol-default-deny")) as any;
            badType.spec.policyTypes = ["Ingress", "Everything"];
            expect(() => new NetworkPolicyModel(badType).validate()).to.throw(/policyTypes/);
        });
    });

    describe("follows configuration", () => {
        function configWith(overrides: Record<string, unknown>): StackConfig {
            return parseStackConfig(homelabWith(overrides));
        }

        it("uses the release name in every pod selector", async () => {
            const run = await runProgram(homelabWith({ releaseName: "falco-pi", namespace: "security" }));
            const declared = declaredPolicies(run.resources);
            const falcoPolicy = declared.find((p) => p.metadata.name === "falco-pi-netpol-falco")!;
            expect(falcoPolicy.metadata.namespace).to.equal("security");
            expect(falcoPolicy.spec.podSelector.matchLabels).to.deep.equal({ "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco-pi" });
            // A pod of the default release is not selected any more.
            const renamed = (pod: PodEndpoint, instance: string): PodEndpoint => ({ ...pod, namespace: "security", labels: { ...pod.labels, "app.kubernetes.io/instance": instance } });
            const flow = (instance: string): Flow => ({ source: renamed(POD.falco, instance), destination: renamed(POD.sidekick, instance), port: 2801, protocol: "TCP" });
            expect(evaluateFlow(declared, flow("falco-pi")).allowed).to.equal(true);
            expect(evaluateFlow(declared, flow("falco")).allowed).to.equal(false);
        });

        it("takes the Alertmanager and Loki ports from their URLs", () => {
            const config = configWith({
                alertmanager: { url: "http://alertmanager-operated.monitoring.svc.cluster.local:19093", minimumPriority: "warning" },
                loki: { url: "http://loki-gateway.monitoring.svc:8080", minimumPriority: "debug" },
            });
            const policy = falcoNetworkPolicies(config).find((p) => p.metadata.name === "falco-netpol-falcosidekick")!;
            const ports = policy.spec.egress!.map((rule) => rule.ports!.map((p) => p.port)).flat();
            expect(ports).to.include.members([19093, 8080]).and.not.include.members([9093, 3100]);
        });

        it("selects the configured peers: Prometheus, Alertmanager, Loki and DNS namespaces and labels", () => {
            const network = homelabObject("network");
            network.prometheus = { namespace: "observability", podLabels: { app: "prometheus", "prometheus.io/instance": "main" } };
            network.dns = { namespace: "kube-system", podLabels: { "k8s-app": "coredns" } };
            const policies = falcoNetworkPolicies(configWith({ network }));
            const scrape: Flow = {
                source: { kind: "pod", namespace: "observability", labels: { app: "prometheus", "prometheus.io/instance": "main" } },
                destination: POD.falco,
                port: 8765,
                protocol: "TCP",
            };
            expect(evaluateFlow(policies, scrape).allowed).to.equal(true);
            expect(evaluateFlow(policies, { ...scrape, source: POD.prometheus }).allowed).to.equal(false);
            const dns: Flow = { source: POD.falco, destination: { kind: "pod", namespace: "kube-system", labels: { "k8s-app": "coredns" } }, port: 53, protocol: "UDP" };
            expect(evaluateFlow(policies, dns).allowed).to.equal(true);
            expect(evaluateFlow(policies, { ...dns, destination: POD.coredns }).allowed).to.equal(false);
        });

        it("opens 6443 to the API server ranges only for a component listed as an API client", () => {
            const network = { ...homelabObject("network"), apiServerCidrs: ["192.168.1.10/32"] };
            const config = configWith({ network });
            const apiCall = (from: PodEndpoint): Flow => ({ source: from, destination: IP.apiServerNode, port: 6443, protocol: "TCP" });
            const none = falcoNetworkPolicies(config);
            expect(evaluateFlow(none, apiCall(POD.sidekick)).allowed).to.equal(false);
            const sidekickClient = falcoNetworkPolicies(config, allowedFlows(config, ["sidekick"]));
            expect(evaluateFlow(sidekickClient, apiCall(POD.sidekick)).allowed).to.equal(true);
            expect(evaluateFlow(sidekickClient, apiCall(POD.webui)).allowed).to.equal(false);
            expect(evaluateFlow(sidekickClient, { ...apiCall(POD.sidekick), destination: IP.lanHost }).allowed).to.equal(false);
            // The narrowed range also narrows falcoctl's exception: the rest of the LAN is "internet" then.
            expect(evaluateFlow(none, { source: POD.falco, destination: IP.apiServerNode, port: 443, protocol: "TCP" }).allowed).to.equal(false);
        });
    });

    describe("configuration validation of falco:network", () => {
        function problemsOf(network: unknown, extra: Record<string, unknown> = {}): string {
            try {
                parseStackConfig(homelabWith({ network, ...extra }));
            } catch (err) {
                expect(UserInputError.isUserInputError(err), String(err)).to.equal(true);
                expect((err as Error).message).to.not.match(/\n\s+at /);
                return (err as Error).message;
            }
            throw new Error("configuration was accepted");
        }
        const base = () => homelabObject("network");

        it("refuses a CIDR that is not one, naming the key, the value and what is accepted", () => {
            expect(problemsOf({ ...base(), apiServerCidrs: ["192.168.1.300/32"] })).to.contain('falco:network.apiServerCidrs[0]: "192.168.1.300/32" is not a CIDR');
            expect(problemsOf({ ...base(), apiServerCidrs: ["192.168.1.10/24"] })).to.match(/apiServerCidrs\[0\]: "192.168.1.10\/24" is not a CIDR \(host bits are set/);
            expect(problemsOf({ ...base(), apiServerCidrs: ["10.0.0.0"] })).to.contain("not of the form ADDRESS/PREFIX");
            expect(problemsOf({ ...base(), apiServerCidrs: [] })).to.contain("falco:network.apiServerCidrs: [] is not accepted");
        });

        it("refuses empty or malformed pod labels, naming the key and the value", () => {
            expect(problemsOf({ ...base(), prometheus: { namespace: "monitoring", podLabels: {} } })).to.contain(
                "falco:network.prometheus.podLabels: {} is not accepted; accepted: a non-empty map",
            );
            expect(problemsOf({ ...base(), loki: { namespace: "monitoring", podLabels: { "bad key!": "loki" } } })).to.contain(
                'falco:network.loki.podLabels: key "bad key!" is not a Kubernetes label key',
            );
            expect(problemsOf({ ...base(), dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube dns" } } })).to.contain(
                'falco:network.dns.podLabels.k8s-app: "kube dns" is not a Kubernetes label value',
            );
        });

        it("refuses a namespace that is not a DNS label, and unknown keys", () => {
            expect(problemsOf({ ...base(), dns: { namespace: "Kube_System", podLabels: { "k8s-app": "kube-dns" } } })).to.contain(
                'falco:network.dns.namespace: "Kube_System" is not a DNS label',
            );
            expect(problemsOf({ ...base(), grafana: {} })).to.contain("falco:network.grafana: unknown key");
        });

        it("accepts IPv6 API server ranges, keeping them out of the IPv4 internet rule's exceptions", () => {
            const config = parseStackConfig(homelabWith({ network: { ...base(), apiServerCidrs: ["fd00:10::/64", "192.168.1.10/32"] } }));
            const falco = falcoNetworkPolicies(config).find((p) => p.metadata.name === "falco-netpol-falco")!;
            const https = falco.spec.egress!.find((rule) => rule.ports![0].port === 443)!;
            expect(https.to).to.deep.equal([{ ipBlock: { cidr: "0.0.0.0/0", except: ["192.168.1.10/32"] } }]);
            expect(() => new NetworkPolicyModel(falco).validate()).to.not.throw();
        });

        it("refuses an Alertmanager or Loki namespace that contradicts the service URL", () => {
            expect(problemsOf({ ...base(), loki: { namespace: "logging", podLabels: { "app.kubernetes.io/name": "loki" } } })).to.contain(
                'falco:network.loki.namespace: "logging" differs from the namespace "monitoring" of falco:loki.url',
            );
            const short = { url: "http://loki.monitoring:3100", minimumPriority: "debug" };
            expect(problemsOf({ ...base(), loki: { namespace: "logging", podLabels: { app: "loki" } } }, { loki: short })).to.contain(
                'falco:network.loki.namespace: "logging" differs from the namespace "monitoring" of falco:loki.url "http://loki.monitoring:3100"',
            );
            // A bare name is a Service in falcosidekick's own namespace (falco:namespace).
            expect(problemsOf(base(), { namespace: "security", loki: { url: "http://loki:3100", minimumPriority: "debug" } })).to.contain(
                'falco:network.loki.namespace: "monitoring" differs from the namespace "security" of falco:loki.url "http://loki:3100"',
            );
            const moved = { url: "http://loki.logging.svc.cluster.local:3100", minimumPriority: "debug" };
            expect(() => parseStackConfig(homelabWith({ loki: moved, network: { ...base(), loki: { namespace: "logging", podLabels: { app: "loki" } } } }))).to.not.throw();
        });

        it("does not judge the namespaces by falco:alertmanager.url and falco:loki.url when a monitoring stack supplies the URLs", () => {
            // Those keys are not used then; the stack's URLs are checked against falco:network when they are known.
            const network = { ...base(), loki: { namespace: "logging", podLabels: { app: "loki" } } };
            expect(() => parseStackConfig(homelabWith({ network, monitoringStack: "homelab/monitoring/prod" }))).to.not.throw();
            expect(problemsOf(network)).to.contain('falco:network.loki.namespace: "logging" differs from the namespace "monitoring" of falco:loki.url');
        });
    });

    describe("the chart's own NetworkPolicies", () => {
        it(`falco ${FALCO_CHART.version} and falcosidekick ${FALCO_CHART.sidekickChartVersion} declare no network-policy switch, so they render none that could contradict ours`, function () {
            requireUpstream(this);
            // Later falcosidekick charts add templates guarded by `networkPolicies.enabled` /
            // `defaultNetworkPolicy.enabled`; a template reading a key absent from values.yaml
            // would fail to render, so absence of the key means absence of such templates.
            const paths = (value: unknown, prefix = ""): string[] =>
                value && typeof value === "object" && !Array.isArray(value)
                    ? Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...paths(v, `${prefix}${k}.`)])
                    : [];
            for (const file of [`falcosidekick-${FALCO_CHART.sidekickChartVersion}-values.yaml`, `falco-${FALCO_CHART.version}-values.yaml`]) {
                const networkKeys = paths(readUpstreamYaml(file)).filter((p) => /network.?polic/i.test(p));
                expect(networkKeys, `${file} now has network-policy values: disable them or account for them in components/network`).to.deep.equal([]);
            }
        });

        it("selector labels are those of the upstream pod templates for any release name", () => {
            expect(chartPodSelector("falco-pi", "falco")).to.deep.equal({ "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco-pi" });
            expect(chartPodSelector("falco-pi", "redis")).to.deep.equal({
                "app.kubernetes.io/name": "falcosidekick",
                "app.kubernetes.io/instance": "falco-pi",
                "app.kubernetes.io/component": "ui-redis",
            });
        });
    });

    it("lists the allowed flows for the README from the same data", () => {
        const table = allowedFlowsMarkdown(parseStackConfig(homelabEngineConfig()));
        expect(table.split("\n")).to.have.length(2 + allowedFlows(parseStackConfig(homelabEngineConfig())).length + 1 + 2 + 4);
        expect(table).to.contain("| 2801/TCP |").and.contain("| 53/UDP, 53/TCP |").and.contain("`0.0.0.0/0` except `10.0.0.0/8`");
        expect(table).to.contain("| falcosidekick-ui-redis | `falco-netpol-falcosidekick-ui-redis` | app.kubernetes.io/name=falcosidekick, app.kubernetes.io/instance=falco, app.kubernetes.io/component=ui-redis |");
    });
});
