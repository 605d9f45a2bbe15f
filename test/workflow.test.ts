import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { FALCO_CHART } from "../components/falcoValues";
import { POLICY_PACK_DIR } from "../deployments/settings";
import { PROJECT_ROOT } from "../scripts/mockRuntime";

const WORKFLOW = path.join(PROJECT_ROOT, ".github", "workflows", "pull-request.yaml");

describe("GitHub Actions workflow for pull requests", () => {
    const workflow = YAML.parse(fs.readFileSync(WORKFLOW, "utf8"));
    const runs = (job: string): string[] => workflow.jobs[job].steps.filter((s: any) => s.run).map((s: any) => s.run as string);
    const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));

    it("runs on pull requests to main", () => {
        expect(workflow.on.pull_request.branches).to.deep.equal(["main"]);
    });

    it("runs the test suite on Node 22 with promtool, from the lockfile", () => {
        const setupNode = workflow.jobs.test.steps.find((s: any) => String(s.uses).startsWith("actions/setup-node"));
        expect(setupNode.with["node-version"]).to.equal(Number(packageJson.engines.node.replace(">=", "")));
        expect(runs("test")).to.include("npm ci --no-audit --no-fund").and.include("npm test");
        expect(runs("test").some((r) => r.includes("install") && r.includes("prometheus"))).to.equal(true);
    });

    it("checks the chart's real output with the policy checker, for the chart version the program pins", () => {
        const check = runs("policy").find((r) => r.startsWith("helm template"))!;
        expect(check).to.contain(`--repo ${FALCO_CHART.repo} --version ${FALCO_CHART.version}`);
        expect(check).to.contain("-f out/values/falco.yaml");
        expect(check).to.match(/\| npm run -s policy -- check -$/);
        expect(packageJson.scripts.policy).to.be.a("string");
        expect(runs("policy").indexOf("npm run render")).to.be.lessThan(runs("policy").indexOf(check));
    });

    it("previews with the policy pack on a homelab runner, which can reach the private API server", () => {
        expect(workflow.jobs.preview["runs-on"]).to.include("self-hosted");
        expect(runs("preview")).to.include(`pulumi preview --non-interactive --stack homelab --policy-pack ${POLICY_PACK_DIR}`);
        // Pulumi runs the compiled program and does not build it: the build comes first.
        const steps = runs("preview");
        expect(steps.indexOf("npm run build"), "npm run build before the preview").to.be.within(0, steps.findIndex((s) => s.startsWith("pulumi preview")) - 1);
        expect(fs.existsSync(path.join(PROJECT_ROOT, POLICY_PACK_DIR, "PulumiPolicy.yaml"))).to.equal(true);
    });
});
