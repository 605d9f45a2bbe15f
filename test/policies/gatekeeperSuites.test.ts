/**
 * Every case of the gatekeeper-library suites (suite.yaml + samples/) of the
 * templates the pack re-implements, with the verdict the suite asserts. The
 * objects are our own rewrites of the library's samples: same fields that
 * matter, same expected verdict. Versions read: see each rule's libraryVersion.
 */
import { expect } from "chai";
import type { Constraint } from "../../policies/core/constraints";
import type { K8sObject } from "../../policies/core/types";
import { GATEKEEPER_TEMPLATES } from "../../policies/gatekeeperTemplates";
import { constraint, container, pod, PODS, updateReview, violations } from "./support";

interface Case {
    name: string;
    object: K8sObject;
    /** yes/no, or an exact count; `message` narrows the count to matching messages (a regex, as gator does). */
    expect: boolean | number;
    message?: RegExp;
    also?: { expect: number; message: RegExp }[];
}

function suite(title: string, c: Constraint, cases: Case[]): void {
    describe(title, () => {
        for (const testCase of cases) {
            it(`${testCase.name}: ${testCase.expect === false || testCase.expect === 0 ? "no violation" : "violation"}`, () => {
                const found = violations(testCase.object, c);
                const count = (re?: RegExp) => found.filter((v) => !re || re.test(v.message.replace(/ \[constraint [^\]]+\]$/, ""))).length;
                if (typeof testCase.expect === "boolean") {
                    expect(count(testCase.message) > 0, JSON.stringify(found, null, 1)).to.equal(testCase.expect);
                } else {
                    expect(count(testCase.message), JSON.stringify(found, null, 1)).to.equal(testCase.expect);
                }
                for (const extra of testCase.also ?? []) {
                    expect(count(extra.message), `${extra.message}: ${JSON.stringify(found, null, 1)}`).to.equal(extra.expect);
                }
            });
        }
    });
}

const OPA = "openpolicyagent/opa:0.9.2";
const limits = (l: Record<string, string>, r?: Record<string, string>) => ({ resources: r ? { limits: l, requests: r } : { limits: l } });
const requests = (r: Record<string, string>) => ({ resources: { requests: r } });

describe("gatekeeper-library suites", () => {
    it("covers each of the 13 templates", () => {
        expect(GATEKEEPER_TEMPLATES.map((t) => t.name)).to.have.length(13);
    });

    describe("k8scontainerlimits", () => {
        suite("container-limits", constraint("K8sContainerLimits", { cpu: "200m", memory: "1Gi" }), [
            { name: "example-allowed", object: pod("opa-allowed", { containers: [container("opa", OPA, limits({ cpu: "100m", memory: "1Gi" }))] }), expect: false },
            { name: "example-disallowed", object: pod("opa-disallowed", { containers: [container("opa", OPA, limits({ cpu: "100m", memory: "2Gi" }))] }), expect: true },
        ]);
        suite("container-limits-ignore-cpu", constraint("K8sContainerLimits", { cpu: "-1", memory: "1Gi" }), [
            { name: "example-allowed", object: pod("opa-allowed", { containers: [container("opa", OPA, limits({ memory: "1Gi" }))] }), expect: false },
            { name: "example-disallowed", object: pod("opa-disallowed", { containers: [container("opa", OPA, limits({ memory: "2Gi" }))] }), expect: true },
        ]);
    });

    describe("k8srequiredresources", () => {
        const all = { cpu: "100m", memory: "1Gi" };
        suite("container-limits-and-requests", constraint("K8sRequiredResources", { limits: ["cpu", "memory"], requests: ["cpu", "memory"] }), [
            { name: "limits-and-requests-defined-allowed", object: pod("opa", { containers: [container("opa", OPA, limits(all, all))] }), expect: false },
            { name: "only-requests-defined-disallowed", object: pod("opa", { containers: [container("opa", OPA, requests({ cpu: "100m", memory: "2Gi" }))] }), expect: true },
            {
                name: "only-cpu-requests-and-memory-limits-defined-disallowed",
                object: pod("opa", { containers: [container("opa", OPA, limits({ memory: "2Gi" }, { cpu: "100m" }))] }),
                expect: true,
            },
            { name: "only-memory-limits-defined-disallowed", object: pod("opa", { containers: [container("opa", OPA, limits({ memory: "2Gi" }))] }), expect: true },
        ]);
        suite("container-cpu-requests-memory-limits-and-requests", constraint("K8sRequiredResources", { limits: ["memory"], requests: ["cpu", "memory"] }), [
            { name: "limits-and-requests-defined-allowed", object: pod("opa", { containers: [container("opa", OPA, limits(all, all))] }), expect: false },
            {
                name: "only-cpu-requests-and-memory-limits-and-requests-defined-allowed",
                object: pod("opa", { containers: [container("opa", OPA, limits({ memory: "2Gi" }, { cpu: "100m", memory: "2Gi" }))] }),
                expect: false,
            },
            { name: "only-requests-defined-disallowed", object: pod("opa", { containers: [container("opa", OPA, requests({ cpu: "100m", memory: "2Gi" }))] }), expect: true },
            { name: "only-memory-limits-defined-disallowed", object: pod("opa", { containers: [container("opa", OPA, limits({ memory: "2Gi" }))] }), expect: true },
            { name: "empty-resources-disallowed", object: pod("opa", { containers: [container("opa", OPA, { resources: {} })] }), expect: true },
        ]);
        suite("no-enforcements", constraint("K8sRequiredResources", {}), [
            { name: "limits-and-requests-defined-allowed", object: pod("opa", { containers: [container("opa", OPA, limits(all, all))] }), expect: false },
            { name: "only-requests-defined-allowed", object: pod("opa", { containers: [container("opa", OPA, requests(all))] }), expect: false },
            {
                name: "only-cpu-requests-and-memory-limits-defined-allowed",
                object: pod("opa", { containers: [container("opa", OPA, limits({ memory: "2Gi" }, { cpu: "100m" }))] }),
                expect: false,
            },
            { name: "empty-resources-allowed", object: pod("opa", { containers: [container("opa", OPA, { resources: {} })] }), expect: false },
        ]);
    });

    describe("k8scontainerrequests", () => {
        suite("container-requests", constraint("K8sContainerRequests", { cpu: "200m", memory: "1Gi" }), [
            { name: "example-allowed", object: pod("opa-allowed", { containers: [container("opa", OPA, requests({ cpu: "100m", memory: "1Gi" }))] }), expect: false },
            { name: "example-disallowed", object: pod("opa-disallowed", { containers: [container("opa", OPA, requests({ cpu: "100m", memory: "2Gi" }))] }), expect: true },
        ]);
    });

    describe("k8scontainerratios", () => {
        suite("memory-ratio-only", constraint("K8sContainerRatios", { ratio: "2" }), [
            {
                name: "example-allowed",
                object: pod("opa", { containers: [container("opa", OPA, limits({ cpu: "200m", memory: "200Mi" }, { cpu: "100m", memory: "100Mi" }))] }),
                expect: false,
            },
            {
                name: "example-disallowed",
                object: pod("opa", { containers: [container("opa", OPA, limits({ cpu: "800m", memory: "2Gi" }, { cpu: "100m", memory: "100Mi" }))] }),
                expect: true,
            },
        ]);
        suite("memory-and-cpu-ratios", constraint("K8sContainerRatios", { ratio: "1", cpuRatio: "10" }), [
            { name: "example-allowed", object: pod("opa", { containers: [container("opa", OPA, limits({ cpu: "4", memory: "2Gi" }, { cpu: "1", memory: "2Gi" }))] }), expect: false },
            {
                name: "example-disallowed",
                object: pod("opa", { containers: [container("opa", OPA, limits({ cpu: "4", memory: "2Gi" }, { cpu: "100m", memory: "2Gi" }))] }),
                expect: true,
            },
        ]);
    });

    describe("k8sdisallowedtags", () => {
        const c = constraint(
            "K8sDisallowedTags",
            { tags: ["latest"], exemptImages: ["openpolicyagent/opa-exp:latest", "openpolicyagent/opa-exp2:latest"] },
            { match: { ...PODS, namespaces: ["default"] } },
        );
        suite("disallowed-tags", c, [
            { name: "allowed", object: pod("opa-allowed", { containers: [container("opa", OPA)] }), expect: false },
            {
                name: "exempt-images-with-disallowed-tags",
                object: pod("opa-exempt", {
                    containers: [container("opa-exp", "openpolicyagent/opa-exp:latest"), container("opa-init", "openpolicyagent/init:v1"), container("opa-exp2", "openpolicyagent/opa-exp2:latest")],
                }),
                expect: false,
            },
            { name: "no-tag", object: pod("opa-no-tag", { containers: [container("opa", "openpolicyagent/opa")] }), expect: true },
            { name: "no-tag-with-port", object: pod("opa-port", { containers: [container("opa", "openpolicyagent:443/opa")] }), expect: true },
            { name: "single-disallowed-tag", object: pod("opa-latest", { containers: [container("opa", "openpolicyagent/opa:latest")] }), expect: true },
            {
                name: "single-disallowed-tag-ephemeral",
                object: pod("opa-ephemeral", { containers: [container("opa", OPA)], ephemeralContainers: [container("debug", "openpolicyagent/opa:latest")] }),
                expect: true,
            },
            {
                name: "some-disallow-tags",
                object: pod("opa-some", {
                    containers: [
                        container("opa", "openpolicyagent/opa-exp:latest"),
                        container("opa-init", "openpolicyagent/init:latest"),
                        container("opa-exp2", "openpolicyagent/opa-exp2:latest"),
                        container("opa-monitor", "openpolicyagent/monitor:latest"),
                    ],
                }),
                expect: 2,
            },
        ]);
    });

    describe("k8sallowedrepos", () => {
        const c = constraint("K8sAllowedRepos", { repos: ["openpolicyagent/"] }, { match: { ...PODS, namespaces: ["default"] } });
        const nginx = container("nginx", "nginx", limits({ cpu: "100m", memory: "30Mi" }));
        suite("allowed-repos", c, [
            { name: "example-allowed", object: pod("opa", { initContainers: [container("init", OPA)], containers: [container("opa", OPA)] }), expect: false },
            { name: "container-disallowed", object: pod("nginx", { containers: [nginx] }), expect: true, message: /container/ },
            {
                name: "initcontainer-disallowed",
                object: pod("nginx", { initContainers: [nginx], containers: [container("opa", OPA)] }),
                expect: 1,
                message: /initContainer/,
                also: [{ expect: 0, message: /container/ }],
            },
            {
                name: "both-disallowed",
                object: pod("nginx", { initContainers: [nginx], containers: [nginx] }),
                expect: 2,
                also: [
                    { expect: 1, message: /initContainer/ },
                    { expect: 1, message: /container/ },
                ],
            },
        ]);
    });

    describe("k8spspprivilegedcontainer", () => {
        const privileged = { securityContext: { privileged: true } };
        suite("privileged-containers-disallowed", constraint("K8sPSPPrivilegedContainer", { exemptImages: ["safeimages.com/*"] }), [
            { name: "example-disallowed", object: pod("nginx", { containers: [container("nginx", "nginx", privileged)] }), expect: true },
            { name: "example-allowed", object: pod("nginx", { containers: [container("nginx", "nginx", { securityContext: { privileged: false } })] }), expect: false },
            { name: "disallowed-ephemeral", object: pod("nginx", { containers: [container("nginx", "nginx")], ephemeralContainers: [container("debug", "nginx", privileged)] }), expect: true },
            { name: "update", object: updateReview(pod("nginx", { containers: [container("nginx", "nginx", privileged)] })), expect: false },
            { name: "example-allowed-exempt", object: pod("nginx", { containers: [container("nginx", "safeimages.com/nginx", privileged)] }), expect: false },
        ]);
    });

    describe("k8spsphostnamespace", () => {
        suite("host-namespace", constraint("K8sPSPHostNamespace"), [
            { name: "example-allowed", object: pod("nginx", { hostPID: false, hostIPC: false, containers: [container("nginx", "nginx")] }), expect: false },
            { name: "example-disallowed", object: pod("nginx", { hostPID: true, hostIPC: true, containers: [container("nginx", "nginx")] }), expect: true },
            { name: "update", object: updateReview(pod("nginx", { hostPID: true, containers: [container("nginx", "nginx")] })), expect: false },
        ]);
    });

    describe("k8spsphostfilesystem", () => {
        const c = constraint("K8sPSPHostFilesystem", { allowedHostPaths: [{ readOnly: true, pathPrefix: "/foo" }] });
        const mountAt = (path: string, readOnly: boolean, field = "containers") =>
            pod("nginx", {
                ...(field === "containers" ? {} : { containers: [container("main", "nginx", { volumeMounts: [] })] }),
                [field]: [container("nginx", "nginx", { volumeMounts: [{ mountPath: "/cache", name: "cache-volume", readOnly }] })],
                volumes: [{ name: "cache-volume", hostPath: { path } }],
            });
        suite("host-filesystem", c, [
            { name: "example-disallowed", object: mountAt("/tmp", true), expect: true },
            { name: "example-allowed", object: mountAt("/foo", true), expect: false },
            { name: "disallowed-ephemeral", object: mountAt("/tmp", true, "ephemeralContainers"), expect: true },
            { name: "update", object: updateReview(mountAt("/tmp", true)), expect: false },
        ]);
        suite("no-host-paths", constraint("K8sPSPHostFilesystem", { allowedHostPaths: [] }), [
            { name: "previously-allowed-path-disallowed", object: mountAt("/foo", true), expect: true },
            { name: "no-volumes-is-allowed", object: pod("nginx", { containers: [container("nginx", "nginx")] }), expect: false },
        ]);
    });

    describe("k8spspcapabilities", () => {
        const withCapabilities = (capabilities: Record<string, string[]>, field = "containers") =>
            pod("opa", {
                ...(field === "containers" ? {} : { containers: [container("main", OPA, { securityContext: { capabilities: { drop: ["must_drop"] } } })] }),
                [field]: [container("opa", OPA, { securityContext: { capabilities }, ...limits({ cpu: "100m", memory: "30Mi" }) })],
            });
        const demo = constraint("K8sPSPCapabilities", { allowedCapabilities: ["something"], requiredDropCapabilities: ["must_drop"] }, { match: { ...PODS, namespaces: ["default"] } });
        suite("capabilities", demo, [
            { name: "example-disallowed", object: withCapabilities({ add: ["disallowedcapability"] }), expect: true },
            { name: "example-allowed", object: withCapabilities({ add: ["something"], drop: ["must_drop", "another_one"] }), expect: false },
            { name: "disallowed-ephemeral", object: withCapabilities({ add: ["disallowedcapability"] }, "ephemeralContainers"), expect: true },
            { name: "update", object: updateReview(withCapabilities({ add: ["disallowedcapability"] })), expect: false },
        ]);
        const baseline = constraint("K8sPSPCapabilities", {
            allowedCapabilities: ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"],
        });
        suite("psp-capabilities-baseline", baseline, [
            { name: "example-allowed", object: withCapabilities({ add: ["NET_BIND_SERVICE"] }), expect: false },
            { name: "example-disallowed", object: withCapabilities({ add: ["SYS_ADMIN"] }), expect: true },
        ]);
        const restricted = constraint("K8sPSPCapabilities", { allowedCapabilities: ["NET_BIND_SERVICE"], requiredDropCapabilities: ["ALL"] });
        suite("psp-capabilities-restricted", restricted, [
            { name: "example-allowed", object: withCapabilities({ add: ["NET_BIND_SERVICE"], drop: ["ALL"] }), expect: false },
            { name: "example-disallowed", object: withCapabilities({ add: ["SYS_ADMIN"] }), expect: true },
            { name: "example-drop-all", object: withCapabilities({ drop: ["ALL", "all"] }), expect: false },
            { name: "disallowed-ephemeral", object: withCapabilities({ add: ["SYS_ADMIN"], drop: ["ALL"] }, "ephemeralContainers"), expect: true },
        ]);
    });

    describe("k8spspallowprivilegeescalationcontainer", () => {
        const c = constraint("K8sPSPAllowPrivilegeEscalationContainer", { exemptImages: ["safeimages.com/*"] });
        const escalation = (value: boolean | undefined, image = "nginx", field = "containers") =>
            pod("nginx", {
                ...(field === "containers" ? {} : { containers: [container("main", "nginx", { securityContext: { allowPrivilegeEscalation: false } })] }),
                [field]: [container("nginx", image, value === undefined ? {} : { securityContext: { allowPrivilegeEscalation: value } })],
            });
        suite("allow-privilege-escalation", c, [
            { name: "example-disallowed", object: escalation(true), expect: true },
            { name: "example-allowed", object: escalation(false), expect: false },
            { name: "disallowed-ephemeral", object: escalation(true, "nginx", "ephemeralContainers"), expect: true },
            { name: "update", object: updateReview(escalation(true)), expect: false },
            { name: "example-allowed-exempt", object: escalation(true, "safeimages.com/nginx"), expect: false },
        ]);
    });

    describe("k8spspreadonlyrootfilesystem", () => {
        const readOnly = (value: boolean | undefined, image = "nginx", field = "containers") =>
            pod("nginx", {
                ...(field === "containers" ? {} : { containers: [container("main", "nginx", { securityContext: { readOnlyRootFilesystem: true } })] }),
                [field]: [container("nginx", image, value === undefined ? {} : { securityContext: { readOnlyRootFilesystem: value } })],
            });
        const exact = constraint("K8sPSPReadOnlyRootFilesystem", { exemptImages: ["specialprogram"] });
        suite("require-read-only-root-filesystem", exact, [
            { name: "example-disallowed", object: readOnly(false), expect: 1, message: /^only read-only root filesystem container is allowed: nginx$/ },
            { name: "example-allowed", object: readOnly(true), expect: false },
            { name: "disallowed-ephemeral", object: readOnly(false, "nginx", "ephemeralContainers"), expect: 1, message: /^only read-only root filesystem container is allowed: nginx$/ },
            { name: "update", object: updateReview(readOnly(false)), expect: false },
            { name: "exact-exemption", object: readOnly(false, "specialprogram"), expect: false },
        ]);
        suite("full-wildcard", constraint("K8sPSPReadOnlyRootFilesystem", { exemptImages: ["*"] }), [{ name: "allow-normally-disallowed", object: readOnly(false), expect: false }]);
        suite("wildcard-prefix", constraint("K8sPSPReadOnlyRootFilesystem", { exemptImages: ["safe-images.com/*"] }), [
            { name: "image-with-exempt-prefix-readOnlyRootFilesystem-not-required", object: readOnly(false, "safe-images.com/nginx"), expect: false },
            { name: "image-with-different-prefix-must-set-readOnlyRootFilesystem", object: readOnly(false, "unsafe-images.com/nginx"), expect: true },
        ]);
    });

    describe("k8sblocknodeport", () => {
        const service = (type: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name: "my-service" }, spec: { type, ports: [{ port: 80, targetPort: 80, nodePort: 30007 }] } });
        suite("block-node-port", constraint("K8sBlockNodePort", {}, { match: { kinds: [{ apiGroups: [""], kinds: ["Service"] }] } }), [
            { name: "example-disallowed", object: service("NodePort"), expect: true },
            { name: "example-allowed", object: { ...service("ClusterIP"), spec: { type: "ClusterIP", ports: [{ port: 80 }] } }, expect: false },
        ]);
    });
});
