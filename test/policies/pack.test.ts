import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { FALCO_CHART, FALCO_IMAGE } from "../../components/falcoValues";
import { loadConstraints } from "../../policies/core/constraints";
import { gatekeeperWarningsPolicy } from "../../policies/core/pulumiPolicy";
import { GATEKEEPER_TEMPLATES, HOMELAB_CONSTRAINTS_DIR } from "../../policies/gatekeeperTemplates";
import { policy as containerLimits } from "../../policies/k8scontainerlimits";
import { runProgram } from "../../scripts/mockRuntime";
import { homelabEngineConfig } from "../support/configFixtures";
import { readUpstreamYaml, requireUpstream } from "../support/upstream";
import { packPolicies, SIZING_POLICY_MODULES } from "./packPolicies";
import { runResourcePolicy } from "./support";

const bigDeployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "big", namespace: "apps" },
    spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.27", resources: { limits: { cpu: "1", memory: "1.5Gi" }, requests: { cpu: "1", memory: "1Gi" } } }] } } },
};

describe("the CrossGuard pack", () => {
    it("passes every resource of the offline render (dogfood)", async () => {
        const { resources } = await runProgram(homelabEngineConfig());
        expect(resources.length).to.be.greaterThan(2);
        const policies = packPolicies();
        const found: string[] = [];
        for (const resource of resources) {
            for (const policy of policies) {
                found.push(...runResourcePolicy(policy, resource.type, resource.inputs).map((m) => `${policy.name} ${resource.type}: ${m}`));
            }
        }
        expect(found).to.deep.equal([]);
    });

    it("fails a resource whose Pods the cluster would refuse, and names the constraint", () => {
        expect(runResourcePolicy(containerLimits, "kubernetes:apps/v1:Deployment", bigDeployment)).to.deep.equal([]);
        const over = JSON.parse(JSON.stringify(bigDeployment));
        over.spec.template.spec.containers[0].resources.limits.memory = "2049Mi";
        expect(runResourcePolicy(containerLimits, "kubernetes:apps/v1:Deployment", over)).to.deep.equal([
            "pod template: container <app> memory limit <2049Mi> is higher than the maximum allowed of <2Gi> [constraint container-memory-at-most-2gi]",
        ]);
    });

    it("lets --policy-pack-config override a template parameter", () => {
        const found = runResourcePolicy(containerLimits, "kubernetes:apps/v1:Deployment", bigDeployment, { memory: "1Gi" });
        expect(found).to.have.length(1);
        expect(found[0]).to.contain("maximum allowed of <1Gi>");
    });

    it("reads the constraints file the config names; warn constraints go to the advisory policy", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "constraints-"));
        const file = path.join(dir, "c.yaml");
        fs.writeFileSync(
            file,
            ["apiVersion: constraints.gatekeeper.sh/v1beta1", "kind: K8sContainerLimits", "metadata: {name: warn-1gi}", "spec:", "  enforcementAction: warn", "  parameters: {memory: 1Gi}", ""].join("\n"),
        );
        expect(runResourcePolicy(containerLimits, "kubernetes:apps/v1:Deployment", bigDeployment, { constraints: file })).to.deep.equal([]);
        const warnings = runResourcePolicy(gatekeeperWarningsPolicy(GATEKEEPER_TEMPLATES), "kubernetes:apps/v1:Deployment", bigDeployment, { constraints: file });
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.contain("[constraint warn-1gi]");
    });
});

describe("the homelab constraints", () => {
    const constraints = loadConstraints(HOMELAB_CONSTRAINTS_DIR, GATEKEEPER_TEMPLATES);
    const byKind = (kind: string) => constraints.filter((c) => c.kind === kind);

    it("exempt exactly Falco's image, and nothing else, from the privileged rule", () => {
        const exemptions = constraints.filter((c) => c.parameters.exemptImages !== undefined);
        expect(exemptions.map((c) => c.kind)).to.deep.equal(["K8sPSPPrivilegedContainer"]);
        expect(exemptions[0].parameters.exemptImages).to.deep.equal([FALCO_IMAGE]);
    });

    it("name the image chart 8.0.1 runs: registry/repository:appVersion", function () {
        requireUpstream(this);
        const values = readUpstreamYaml("falco-8.0.1-values.yaml");
        const chart = readUpstreamYaml("falco-8.0.1-Chart.yaml");
        expect(values.image.tag).to.equal("");
        expect(chart.appVersion).to.equal(FALCO_CHART.appVersion);
        expect(FALCO_IMAGE).to.equal(`${values.image.registry}/${values.image.repository}:${chart.appVersion}`);
    });

    it("match the image the program's values make the chart run (no image override in the values)", async () => {
        const { resources } = await runProgram(homelabEngineConfig());
        const values = resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!.inputs.values as Record<string, any>;
        // FALCO_IMAGE assumes the chart's image.registry/repository and image.tag = appVersion.
        expect(values.image, "values.image would change the Falco image; update FALCO_IMAGE with it").to.equal(undefined);
    });

    it("cap container memory at 2Gi, require limits and requests, refuse latest, all with deny", () => {
        expect(byKind("K8sContainerLimits").map((c) => c.parameters.memory)).to.deep.equal(["2Gi"]);
        expect(byKind("K8sRequiredResources")[0].parameters).to.deep.equal({ limits: ["cpu", "memory"], requests: ["cpu", "memory"] });
        expect(byKind("K8sDisallowedTags")[0].parameters.tags).to.deep.equal(["latest"]);
        expect(byKind("K8sPSPHostNamespace")).to.have.length(1);
        expect(constraints.every((c) => c.enforcementAction === "deny")).to.equal(true);
    });
});

describe("the homelab's privileged exemption on a Falco DaemonSet", () => {
    const daemonSet = (initContainers: Record<string, unknown>[]) => ({
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "falco", namespace: "falco" },
        spec: {
            template: {
                spec: {
                    containers: [{ name: "falco", image: FALCO_IMAGE as string, securityContext: { privileged: true }, resources: { limits: { cpu: "500m", memory: "512Mi" }, requests: { cpu: "50m", memory: "128Mi" } } }],
                    initContainers,
                },
            },
        },
    });
    const privileged = require("../../policies/k8spspprivilegedcontainer").policy as ResourceValidationPolicy;

    it("admits Falco's own privileged container", () => {
        expect(runResourcePolicy(privileged, "kubernetes:apps/v1:DaemonSet", daemonSet([]))).to.deep.equal([]);
    });

    it("refuses kmod's privileged driver-loader init container and any other tag of Falco", () => {
        const loader = { name: "falco-driver-loader", image: FALCO_IMAGE.replace("/falco:", "/falco-driver-loader:"), securityContext: { privileged: true } };
        expect(runResourcePolicy(privileged, "kubernetes:apps/v1:DaemonSet", daemonSet([loader]))[0]).to.match(/^pod template: Privileged container is not allowed: falco-driver-loader/);
        const otherTag = daemonSet([]);
        otherTag.spec.template.spec.containers[0].image = FALCO_IMAGE.replace(/:[^:]+$/, ":0.43.1");
        expect(runResourcePolicy(privileged, "kubernetes:apps/v1:DaemonSet", otherTag)).to.have.length(1);
    });
});

describe("policies/index.ts", () => {
    it("wires one policy per template module, the warnings policy and the sizing policies, and nothing else", () => {
        const index = fs.readFileSync(path.join(__dirname, "..", "..", "policies", "index.ts"), "utf8");
        const wired = [...index.matchAll(/import \{ policy as (\w+) \} from "\.\/(\w+)"/g)].map((m) => m[2]);
        expect(wired.sort()).to.deep.equal([...GATEKEEPER_TEMPLATES.map((t) => t.name), ...SIZING_POLICY_MODULES].sort());
        expect(index).to.contain("gatekeeperWarningsPolicy(GATEKEEPER_TEMPLATES)");
        expect(index.match(/new PolicyPack\(/g)).to.have.length(1);
    });
});
