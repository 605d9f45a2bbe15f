import { expect } from "chai";
import { UserInputError } from "../components/config/errors";
import { COMPONENT_TYPES } from "../components/naming";
import { FALCO_CHART } from "../components/falcoValues";
import { RecordedResource, ROOT_STACK_TYPE, runProgram } from "../scripts/mockRuntime";
import { homelabEngineConfig, homelabWith } from "./support/configFixtures";

describe("the program under Pulumi's mock runtime", () => {
    it("declares the namespace and the chart as children of their components", async () => {
        const { resources } = await runProgram(homelabEngineConfig());
        const byType = (type: string) => resources.filter((r) => r.type === type);
        const [nsComponent] = byType(COMPONENT_TYPES.namespace);
        const [releaseComponent] = byType(COMPONENT_TYPES.release);
        // Top-level components sit under the root stack resource, as Pulumi's program runner declares it.
        expect(nsComponent.parent).to.equal(`urn:pulumi:homelab::falco::${ROOT_STACK_TYPE}::falco-homelab`);
        const [namespace] = byType("kubernetes:core/v1:Namespace");
        expect(namespace.parent).to.match(new RegExp(`${COMPONENT_TYPES.namespace}::${nsComponent.name}$`));
        expect((namespace.inputs.metadata as any).name).to.equal("falco");
        expect((namespace.inputs.metadata as any).labels["pod-security.kubernetes.io/enforce"]).to.equal("privileged");
        const [chart] = byType("kubernetes:helm.sh/v4:Chart");
        expect(chart.parent).to.match(new RegExp(`${COMPONENT_TYPES.release}::${releaseComponent.name}$`));
        expect(chart.inputs).to.deep.include({ chart: "falco", version: FALCO_CHART.version, name: "falco", namespace: "falco" });
        expect(chart.inputs.repositoryOpts).to.deep.equal({ repo: "https://falcosecurity.github.io/charts" });
    });

    it("places everything in the configured namespace", async () => {
        const { resources, outputs } = await runProgram(homelabWith({ namespace: "security", releaseName: "falco-pi" }));
        const chart = resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!;
        expect(chart.inputs).to.deep.include({ namespace: "security", name: "falco-pi" });
        expect(outputs.namespaceName).to.equal("security");
    });

    it("exports the namespace and chart versions", async () => {
        const { outputs } = await runProgram(homelabEngineConfig());
        expect(outputs.chart).to.deep.equal({ name: "falco", version: FALCO_CHART.version, appVersion: FALCO_CHART.appVersion });
    });

    it("declares nothing when the configuration is invalid", async () => {
        const declared: RecordedResource[] = [];
        let failure: unknown;
        try {
            await runProgram(homelabWith({ namespace: "Not Valid" }), "homelab", undefined, declared);
        } catch (err) {
            failure = err;
        }
        expect(UserInputError.isUserInputError(failure), String(failure)).to.equal(true);
        expect(declared).to.deep.equal([]);
    });
});
