/**
 * The NetworkPolicy evaluator, tested on the situations the Kubernetes
 * documentation ("Network Policies" concept page) uses as its own examples:
 * the `test-network-policy` example, the "AND vs OR" peer example, the
 * default deny / allow-all policies, and the endPort example. The test data is
 * written here from the documented meaning, not copied.
 */
import { labelSelectorMatches } from "../components/labelSelector";
import { expect } from "chai";
import {
    cidrContains,
    ClusterModel,
    effectivePolicyTypes,
    Endpoint,
    evaluateFlow,
    Flow,
    NetworkPolicy,
    PodEndpoint,
    Protocol,
} from "../components/network/evaluator";

function pod(namespace: string, labels: Record<string, string>, extra: Partial<PodEndpoint> = {}): PodEndpoint {
    return { kind: "pod", namespace, labels, ...extra };
}
function ip(address: string): Endpoint {
    return { kind: "ip", ip: address };
}
function flow(source: Endpoint, destination: Endpoint, port: number, protocol: Protocol = "TCP"): Flow {
    return { source, destination, port, protocol };
}

describe("NetworkPolicy evaluator", () => {
    describe("label selectors", () => {
        const labels = { app: "shop", tier: "db" };
        it("match matchLabels as a conjunction, an empty selector matching everything", () => {
            expect(labelSelectorMatches({}, labels)).to.equal(true);
            expect(labelSelectorMatches({ matchLabels: { app: "shop" } }, labels)).to.equal(true);
            expect(labelSelectorMatches({ matchLabels: { app: "shop", tier: "web" } }, labels)).to.equal(false);
        });
        it("apply In, NotIn, Exists and DoesNotExist, ANDed with matchLabels", () => {
            expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["db", "cache"] }] }, labels)).to.equal(true);
            expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] }, labels)).to.equal(false);
            expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["web"] }] }, labels)).to.equal(true);
            // A missing key satisfies NotIn.
            expect(labelSelectorMatches({ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, labels)).to.equal(true);
            expect(labelSelectorMatches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels)).to.equal(false);
            expect(labelSelectorMatches({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels)).to.equal(true);
            expect(
                labelSelectorMatches({ matchLabels: { app: "shop" }, matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels),
            ).to.equal(false);
        });
    });

    describe("CIDRs", () => {
        it("test membership with Node's address parser, IPv4 and IPv6, never across families", () => {
            expect(cidrContains("192.168.4.0/22", "192.168.7.255")).to.equal(true);
            expect(cidrContains("192.168.4.0/22", "192.168.8.0")).to.equal(false);
            expect(cidrContains("0.0.0.0/0", "8.8.8.8")).to.equal(true);
            expect(cidrContains("fd00::/8", "fd12::1")).to.equal(true);
            expect(cidrContains("0.0.0.0/0", "fd12::1")).to.equal(false);
            expect(() => cidrContains("10.0.0.0/33", "10.0.0.1")).to.throw(/not a CIDR/);
        });
    });

    describe("the documentation's test-network-policy example", () => {
        // A policy on role=db pods of namespace "default": ingress on TCP 6379 from an
        // address range minus a sub-range, from any pod of namespaces labelled
        // project=myproject, and from role=frontend pods of its own namespace;
        // egress only to 10.0.0.0/24 on TCP 5978.
        const policy: NetworkPolicy = {
            metadata: { name: "test-network-policy", namespace: "default" },
            spec: {
                podSelector: { matchLabels: { role: "db" } },
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    {
                        from: [
                            { ipBlock: { cidr: "172.17.0.0/16", except: ["172.17.1.0/24"] } },
                            { namespaceSelector: { matchLabels: { project: "myproject" } } },
                            { podSelector: { matchLabels: { role: "frontend" } } },
                        ],
                        ports: [{ protocol: "TCP", port: 6379 }],
                    },
                ],
                egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 5978 }] }],
            },
        };
        const cluster: ClusterModel = { namespaceLabels: { default: {}, team: { project: "myproject" }, other: { project: "theirs" } } };
        const db = pod("default", { role: "db" });
        const allowed = (f: Flow) => evaluateFlow([policy], f, cluster).allowed;

        it("admits a frontend pod of the same namespace on 6379 only, TCP only", () => {
            const frontend = pod("default", { role: "frontend" });
            expect(allowed(flow(frontend, db, 6379))).to.equal(true);
            expect(allowed(flow(frontend, db, 6380))).to.equal(false);
            expect(allowed(flow(frontend, db, 6379, "UDP"))).to.equal(false);
        });

        it("admits any pod of a project=myproject namespace, but a podSelector alone never reaches into other namespaces", () => {
            expect(allowed(flow(pod("team", { anything: "x" }), db, 6379))).to.equal(true);
            expect(allowed(flow(pod("other", { role: "frontend" }), db, 6379))).to.equal(false);
        });

        it("admits addresses of the ipBlock except those in its except list", () => {
            expect(allowed(flow(ip("172.17.0.5"), db, 6379))).to.equal(true);
            expect(allowed(flow(ip("172.17.1.5"), db, 6379))).to.equal(false);
            expect(allowed(flow(ip("172.18.0.5"), db, 6379))).to.equal(false);
        });

        it("lets db pods out only to 10.0.0.0/24 on TCP 5978", () => {
            expect(allowed(flow(db, ip("10.0.0.7"), 5978))).to.equal(true);
            expect(allowed(flow(db, ip("10.0.0.7"), 5979))).to.equal(false);
            expect(allowed(flow(db, ip("10.0.1.7"), 5978))).to.equal(false);
            expect(allowed(flow(db, pod("default", { role: "frontend" }), 80))).to.equal(false);
        });

        it("leaves pods it does not select alone", () => {
            const web = pod("default", { role: "web" });
            expect(allowed(flow(web, pod("default", { role: "cache" }), 1234))).to.equal(true);
            expect(allowed(flow(ip("203.0.113.9"), web, 443))).to.equal(true);
        });
    });

    describe("namespaceSelector and podSelector, in one peer (AND) or in two peers (OR)", () => {
        const cluster: ClusterModel = { namespaceLabels: { alice: { user: "alice" }, bob: { user: "bob" } } };
        const server = pod("srv", { app: "server" });
        const combined: NetworkPolicy = {
            metadata: { name: "and", namespace: "srv" },
            spec: {
                podSelector: { matchLabels: { app: "server" } },
                ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: "alice" } }, podSelector: { matchLabels: { role: "client" } } }] }],
            },
        };
        const separate: NetworkPolicy = {
            metadata: { name: "or", namespace: "srv" },
            spec: {
                podSelector: { matchLabels: { app: "server" } },
                ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: "alice" } } }, { podSelector: { matchLabels: { role: "client" } } }] }],
            },
        };
        const cases: Array<[string, PodEndpoint, boolean, boolean]> = [
            ["a client pod in alice's namespace", pod("alice", { role: "client" }), true, true],
            ["another pod in alice's namespace", pod("alice", { role: "batch" }), false, true],
            ["a client pod in bob's namespace", pod("bob", { role: "client" }), false, false],
            ["a client pod in the policy's own namespace", pod("srv", { role: "client" }), false, true],
        ];
        for (const [what, source, andVerdict, orVerdict] of cases) {
            it(`${what}: ${andVerdict ? "allowed" : "denied"} by the combined peer, ${orVerdict ? "allowed" : "denied"} by separate peers`, () => {
                expect(evaluateFlow([combined], flow(source, server, 80), cluster).allowed).to.equal(andVerdict);
                expect(evaluateFlow([separate], flow(source, server, 80), cluster).allowed).to.equal(orVerdict);
            });
        }

        it("matches namespaces by the kubernetes.io/metadata.name label the API server sets", () => {
            const byName: NetworkPolicy = {
                metadata: { name: "by-name", namespace: "srv" },
                spec: {
                    podSelector: {},
                    ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["bob"] }] } }] }],
                },
            };
            expect(evaluateFlow([byName], flow(pod("bob", {}), server, 80), cluster).allowed).to.equal(true);
            expect(evaluateFlow([byName], flow(pod("alice", {}), server, 80), cluster).allowed).to.equal(false);
        });
    });

    describe("the documentation's default policies", () => {
        const a = pod("ns", { app: "a" });
        const b = pod("ns", { app: "b" });
        const outside = pod("elsewhere", { app: "c" });
        const internet = ip("198.51.100.1");
        const denyIngress: NetworkPolicy = { metadata: { name: "default-deny-ingress", namespace: "ns" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } };
        const allowAllIngress: NetworkPolicy = {
            metadata: { name: "allow-all-ingress", namespace: "ns" },
            spec: { podSelector: {}, ingress: [{}], policyTypes: ["Ingress"] },
        };
        const denyEgress: NetworkPolicy = { metadata: { name: "default-deny-egress", namespace: "ns" }, spec: { podSelector: {}, policyTypes: ["Egress"] } };
        const allowAllEgress: NetworkPolicy = {
            metadata: { name: "allow-all-egress", namespace: "ns" },
            spec: { podSelector: {}, egress: [{}], policyTypes: ["Egress"] },
        };
        const denyAll: NetworkPolicy = {
            metadata: { name: "default-deny-all", namespace: "ns" },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        };
        const allowed = (policies: NetworkPolicy[], f: Flow) => evaluateFlow(policies, f).allowed;

        it("default deny ingress isolates ingress only: traffic in is refused, traffic out still flows", () => {
            expect(allowed([denyIngress], flow(outside, a, 80))).to.equal(false);
            expect(allowed([denyIngress], flow(b, a, 80))).to.equal(false);
            expect(allowed([denyIngress], flow(a, internet, 443))).to.equal(true);
            expect(allowed([denyIngress], flow(a, outside, 80))).to.equal(true);
        });

        it("allow all ingress re-opens every source and port next to the deny, policies being additive", () => {
            expect(allowed([denyIngress, allowAllIngress], flow(outside, a, 80))).to.equal(true);
            expect(allowed([denyIngress, allowAllIngress], flow(internet, a, 9999, "UDP"))).to.equal(true);
        });

        it("default deny egress isolates egress only", () => {
            expect(allowed([denyEgress], flow(a, internet, 443))).to.equal(false);
            expect(allowed([denyEgress], flow(a, b, 80))).to.equal(false);
            expect(allowed([denyEgress], flow(outside, a, 80))).to.equal(true);
            expect(allowed([denyEgress, allowAllEgress], flow(a, internet, 443))).to.equal(true);
        });

        it("default deny all isolates both directions, and a flow needs egress at its source AND ingress at its destination", () => {
            expect(allowed([denyAll], flow(a, b, 80))).to.equal(false);
            const aOut: NetworkPolicy = {
                metadata: { name: "a-out", namespace: "ns" },
                spec: { podSelector: { matchLabels: { app: "a" } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { app: "b" } } }] }] },
            };
            const bIn: NetworkPolicy = {
                metadata: { name: "b-in", namespace: "ns" },
                spec: { podSelector: { matchLabels: { app: "b" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "a" } } }] }] },
            };
            const egressOnly = evaluateFlow([denyAll, aOut], flow(a, b, 80));
            expect(egressOnly).to.deep.include({ egressAllowed: true, ingressAllowed: false, allowed: false });
            const ingressOnly = evaluateFlow([denyAll, bIn], flow(a, b, 80));
            expect(ingressOnly).to.deep.include({ egressAllowed: false, ingressAllowed: true, allowed: false });
            expect(evaluateFlow([denyAll, aOut, bIn], flow(a, b, 80)).allowed).to.equal(true);
            expect(evaluateFlow([denyAll, aOut, bIn], flow(b, a, 80)).allowed).to.equal(false);
        });

        it("applies a policy only to pods of its own namespace", () => {
            expect(allowed([denyAll], flow(outside, internet, 443))).to.equal(true);
        });
    });

    describe("policyTypes defaulting", () => {
        it("is Ingress when omitted, plus Egress when there is at least one egress rule", () => {
            const base = { metadata: { name: "p", namespace: "ns" } };
            expect(effectivePolicyTypes({ ...base, spec: { podSelector: {} } })).to.deep.equal(["Ingress"]);
            expect(effectivePolicyTypes({ ...base, spec: { podSelector: {}, egress: [] } })).to.deep.equal(["Ingress"]);
            expect(effectivePolicyTypes({ ...base, spec: { podSelector: {}, egress: [{}] } })).to.deep.equal(["Ingress", "Egress"]);
            expect(effectivePolicyTypes({ ...base, spec: { podSelector: {}, policyTypes: ["Egress"] } })).to.deep.equal(["Egress"]);
        });

        it("so an egress-only rule set without policyTypes still isolates ingress of the selected pods", () => {
            const policy: NetworkPolicy = {
                metadata: { name: "egress-rules", namespace: "ns" },
                spec: { podSelector: { matchLabels: { app: "a" } }, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }] },
            };
            const a = pod("ns", { app: "a" });
            expect(evaluateFlow([policy], flow(pod("ns", { app: "b" }), a, 80)).allowed).to.equal(false);
            expect(evaluateFlow([policy], flow(a, ip("10.1.2.3"), 80)).allowed).to.equal(true);
            expect(evaluateFlow([policy], flow(a, ip("11.1.2.3"), 80)).allowed).to.equal(false);
        });
    });

    describe("ports", () => {
        const client = pod("ns", { app: "client" });
        it("treat port..endPort as an inclusive range (the documentation's multi-port egress example)", () => {
            const policy: NetworkPolicy = {
                metadata: { name: "multi-port-egress", namespace: "ns" },
                spec: {
                    podSelector: { matchLabels: { app: "client" } },
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }] }],
                },
            };
            const allowed = (port: number) => evaluateFlow([policy], flow(client, ip("10.0.0.9"), port)).allowed;
            expect([31999, 32000, 32500, 32768, 32769].map(allowed)).to.deep.equal([false, true, true, true, false]);
        });

        it("resolve a named port against the destination pod's declared container ports, protocol included", () => {
            const policy: NetworkPolicy = {
                metadata: { name: "named", namespace: "ns" },
                spec: { podSelector: { matchLabels: { app: "server" } }, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: "http" }] }] },
            };
            const server = pod("ns", { app: "server" }, { ports: [{ name: "http", containerPort: 8080 }, { name: "dns", containerPort: 53, protocol: "UDP" }] });
            expect(evaluateFlow([policy], flow(client, server, 8080)).allowed).to.equal(true);
            expect(evaluateFlow([policy], flow(client, server, 8081)).allowed).to.equal(false);
            expect(evaluateFlow([policy], flow(client, server, 8080, "UDP")).allowed).to.equal(false);
            const noPorts = pod("ns", { app: "server" });
            expect(evaluateFlow([policy], flow(client, noPorts, 8080)).allowed).to.equal(false);
        });

        it("admit every port of a protocol when an entry names only the protocol", () => {
            const policy: NetworkPolicy = {
                metadata: { name: "udp", namespace: "ns" },
                spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "UDP" }] }] },
            };
            expect(evaluateFlow([policy], flow(client, ip("9.9.9.9"), 53, "UDP")).allowed).to.equal(true);
            expect(evaluateFlow([policy], flow(client, ip("9.9.9.9"), 53, "TCP")).allowed).to.equal(false);
        });
    });
});
