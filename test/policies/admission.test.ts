import { expect } from "chai";
import { canonicalQuantity } from "../../components/config/quantity";
import { isExemptImage } from "../../policies/core/exemptImages";
import { regoCanonifyCpu, regoCanonifyMemory } from "../../policies/core/regoQuantities";
import { constraint, container, pod, violations } from "./support";

describe("what the API server does before Gatekeeper sees an object", () => {
    it("stores quantities in canonical form", () => {
        const cases: [string | number, string][] = [
            ["1.5Gi", "1536Mi"],
            ["2048Mi", "2Gi"],
            ["0.5Gi", "512Mi"],
            ["1024", "1024"],
            ["1536", "1536"],
            ["1.5", "1500m"],
            ["0.1", "100m"],
            [2000, "2k"],
            ["2000m", "2"],
            ["1e3", "1e3"],
            ["1E3", "1e3"],
            ["12e4", "120e3"],
            ["1000e0", "1e3"],
            ["0.5Ki", "512"],
            ["1.5Ki", "1536"],
            ["0", "0"],
            ["0Gi", "0"],
            ["1Ki", "1Ki"],
            ["1048576", "1048576"],
            ["0.0000000001", "1n"],
        ];
        for (const [input, canonical] of cases) {
            expect(canonicalQuantity(input), String(input)).to.equal(canonical);
        }
        expect(canonicalQuantity("2 Gi")).to.equal(undefined);
    });

    it("defaults a Pod's missing requests to its limits, resource by resource", () => {
        const found = violations(
            pod("p", { containers: [container("c", "nginx:1", { resources: { limits: { cpu: "100m", memory: "1Gi" }, requests: { cpu: "50m" } } })] }),
            constraint("K8sRequiredResources", { requests: ["cpu", "memory"] }),
        );
        expect(found).to.deep.equal([]);
    });

    it("refuses an invalid quantity itself, before any webhook", () => {
        const found = violations(pod("p", { containers: [container("c", "nginx:1", { resources: { limits: { memory: "2GB" } } })] }), constraint("K8sContainerLimits", { memory: "2Gi" }));
        expect(found.map((v) => v.policy)).to.deep.equal(["apiserver-validation"]);
    });
});

describe("quantity corner cases against the templates' own parsing", () => {
    const limitsPod = (memory: string | number, cpu: string | number = "100m") => pod("p", { containers: [container("c", "nginx:1", { resources: { limits: { cpu, memory } } })] });
    const limitViolations = (memory: string | number, max = "2Gi", cpu?: string | number, cpuMax?: string) =>
        violations(limitsPod(memory, cpu), constraint("K8sContainerLimits", cpuMax ? { memory: max, cpu: cpuMax } : { memory: max })).map((v) => v.message);

    it("treats the maximum as inclusive, exactly: 2Gi = 2048Mi = 2147483648", () => {
        expect(limitViolations("2Gi")).to.deep.equal([]);
        expect(limitViolations("2048Mi")).to.deep.equal([]);
        expect(limitViolations("2147483648")).to.deep.equal([]);
        expect(limitViolations("2147483649")).to.have.length(1);
        expect(limitViolations("2049Mi")).to.have.length(1);
        expect(limitViolations("2048Mi", "2048Mi")).to.deep.equal([]);
    });

    it("sees 1.5Gi as the API server stores it (1536Mi)", () => {
        expect(limitViolations("1.5Gi", "1536Mi")).to.deep.equal([]);
        expect(limitViolations("1.5Gi", "1535Mi")[0]).to.contain("<1536Mi>");
    });

    it("reports an exponent quantity as unparseable, because the Rego knows no exponents", () => {
        // "1e3" is a valid quantity and stays "1e3" in canonical form; canonify_mem rejects it.
        expect(limitViolations("1e3")[0]).to.match(/memory limit <1e3> could not be parsed/);
        expect(regoCanonifyMemory("1e3")).to.equal(undefined);
    });

    it("reads millicores and whole cores alike, and refuses CPU written as 2000 (stored as 2k)", () => {
        expect(limitViolations("1Gi", "2Gi", "1", "1000m")).to.deep.equal([]);
        expect(limitViolations("1Gi", "2Gi", "1001m", "1")).to.have.length(1);
        expect(limitViolations("1Gi", "2Gi", 0.5, "500m")).to.deep.equal([]);
        expect(limitViolations("1Gi", "2Gi", 2000, "4000")[0]).to.match(/cpu limit <2k> could not be parsed/);
        expect(regoCanonifyCpu("2k")).to.equal(undefined);
    });

    it("does not check CPU at all when the constraint has no cpu parameter", () => {
        const noCpu = pod("p", { containers: [container("c", "nginx:1", { resources: { limits: { memory: "1Gi" } } })] });
        expect(violations(noCpu, constraint("K8sContainerLimits", { memory: "2Gi" }))).to.deep.equal([]);
        expect(violations(noCpu, constraint("K8sContainerLimits", { memory: "2Gi", cpu: "1" })).map((v) => v.message)).to.deep.equal([
            "container <c> has no cpu limit [constraint test-k8scontainerlimits]",
        ]);
    });

    it("judges init containers like containers, and skips ephemeral ones for resources", () => {
        const big = { resources: { limits: { cpu: "100m", memory: "3Gi" } } };
        const withInit = pod("p", { initContainers: [container("init", "busybox:1", big)], containers: [container("c", "nginx:1", { resources: { limits: { cpu: "1", memory: "1Gi" } } })] });
        expect(violations(withInit, constraint("K8sContainerLimits", { memory: "2Gi" })).map((v) => v.message)).to.deep.equal([
            "container <init> memory limit <3Gi> is higher than the maximum allowed of <2Gi> [constraint test-k8scontainerlimits]",
        ]);
        const withEphemeral = pod("p", { containers: [container("c", "nginx:1", { resources: { limits: { cpu: "1", memory: "1Gi" } } })], ephemeralContainers: [container("debug", "busybox:latest")] });
        expect(violations(withEphemeral, constraint("K8sContainerLimits", { memory: "2Gi" }))).to.deep.equal([]);
        expect(violations(withEphemeral, constraint("K8sDisallowedTags", { tags: ["latest"] }))).to.have.length(1);
    });
});

describe("exemptImages", () => {
    it("matches exactly without a star, and as a prefix with a trailing star", () => {
        for (const engine of ["Rego", "K8sNativeValidation"] as const) {
            expect(isExemptImage("docker.io/falcosecurity/falco:0.43.0", ["docker.io/falcosecurity/falco:0.43.0"], engine)).to.equal(true);
            expect(isExemptImage("docker.io/falcosecurity/falco:0.43.1", ["docker.io/falcosecurity/falco:0.43.0"], engine)).to.equal(false);
            expect(isExemptImage("falcosecurity/falco:0.43.0", ["docker.io/falcosecurity/falco:0.43.0"], engine)).to.equal(false);
            expect(isExemptImage("docker.io/falcosecurity/falco-evil:1", ["docker.io/falcosecurity/falco*"], engine)).to.equal(true);
            expect(isExemptImage("docker.io/falcosecurity/falco-evil:1", ["docker.io/falcosecurity/falco:*"], engine)).to.equal(false);
            expect(isExemptImage("anything", ["*"], engine)).to.equal(true);
            expect(isExemptImage("nginx", [], engine)).to.equal(false);
            expect(isExemptImage(undefined, ["*"], engine)).to.equal(false);
        }
    });

    it("cuts the prefix as each engine does: CEL drops every star, Rego only the last", () => {
        expect(isExemptImage("repo/x1", ["repo/*x*"], "K8sNativeValidation")).to.equal(true);
        expect(isExemptImage("repo/x1", ["repo/*x*"], "Rego")).to.equal(false);
        expect(isExemptImage("repo/*x1", ["repo/*x*"], "Rego")).to.equal(true);
        // a star in the middle of an entry without a trailing star is literal for both
        expect(isExemptImage("repo/ab", ["repo/*b"], "K8sNativeValidation")).to.equal(false);
    });

    it("exempts from the privileged rule through the CEL engine's semantics", () => {
        const privileged = (image: string) => pod("p", { containers: [container("c", image, { securityContext: { privileged: true } })] });
        const c = constraint("K8sPSPPrivilegedContainer", { exemptImages: ["repo/*x*"] });
        expect(violations(privileged("repo/x1"), c)).to.deep.equal([]);
        expect(violations(privileged("repo/y1"), c)).to.have.length(1);
    });
});

describe("CEL behaviour that differs from the templates' Rego", () => {
    it("k8spsphostfilesystem compares path prefixes as strings", () => {
        const hostPath = (path: string) => pod("p", { containers: [container("c", "nginx:1", { volumeMounts: [{ name: "v", mountPath: "/v", readOnly: true }] })], volumes: [{ name: "v", hostPath: { path } }] });
        const c = constraint("K8sPSPHostFilesystem", { allowedHostPaths: [{ pathPrefix: "/foo", readOnly: true }] });
        expect(violations(hostPath("/foo/bar"), c)).to.deep.equal([]);
        expect(violations(hostPath("/foolish"), c)).to.deep.equal([]); // the Rego would refuse this one
        expect(violations(hostPath("/etc/foo"), c)).to.have.length(1);
    });

    it("k8spsphostfilesystem refuses a read-only path mounted writable by any container", () => {
        const c = constraint("K8sPSPHostFilesystem", { allowedHostPaths: [{ pathPrefix: "/foo", readOnly: true }] });
        const writable = pod("p", {
            containers: [container("c", "nginx:1", { volumeMounts: [{ name: "v", mountPath: "/v", readOnly: true }] })],
            initContainers: [container("i", "busybox:1", { volumeMounts: [{ name: "v", mountPath: "/v" }] })],
            volumes: [{ name: "v", hostPath: { path: "/foo" } }],
        });
        expect(violations(writable, c)).to.have.length(1);
    });

    it("k8spsphostfilesystem fails closed where its CEL reads the volumeMounts of a container that has none", () => {
        const c = constraint("K8sPSPHostFilesystem", { allowedHostPaths: [{ pathPrefix: "/foo", readOnly: true }] });
        const volumes = [{ name: "v", hostPath: { path: "/foo" } }];
        const mounting = container("c", "nginx:1", { volumeMounts: [{ name: "v", mountPath: "/v", readOnly: true }] });
        expect(violations(pod("p", { containers: [mounting], volumes }), c)).to.deep.equal([]);
        const found = violations(pod("p", { containers: [mounting, container("sidecar", "busybox:1")], volumes }), c);
        expect(found.map((v) => v.message)).to.deep.equal(["CEL evaluation error: no such key: volumeMounts (hostPath volume v) [constraint test-k8spsphostfilesystem]"]);
    });

    it("k8spspcapabilities compares added capabilities case-sensitively", () => {
        const adding = (cap: string) => pod("p", { containers: [container("c", "nginx:1", { securityContext: { capabilities: { add: [cap], drop: ["all"] } } })] });
        const c = constraint("K8sPSPCapabilities", { allowedCapabilities: ["NET_BIND_SERVICE"], requiredDropCapabilities: ["ALL"] });
        expect(violations(adding("NET_BIND_SERVICE"), c)).to.deep.equal([]);
        expect(violations(adding("net_bind_service"), c)).to.have.length(1); // the Rego lower-cases and would admit it
    });
});
