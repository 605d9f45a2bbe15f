import { expect } from "chai";
import { parseStackConfig } from "../components/config/stackConfig";
import { DRIVER_LOADER_RESOURCES, falcoValues } from "../components/falcoValues";
import { configProblems, constraintsExemptingDriverLoader, homelabEngineConfig, homelabObject, homelabWith } from "./support/configFixtures";
import { readUpstreamYaml, requireUpstream } from "./support/upstream";

/** The configuration way outs the README's "Raspberry Pi 5 notes" give. */
describe("Raspberry Pi 5 way outs in the configuration", () => {
    it("defaults the redis image to the chart's own redis-stack", function () {
        requireUpstream(this);
        const upstream = readUpstreamYaml("falcosidekick-0.12.1-values.yaml").webui.redis.image;
        const values = falcoValues(parseStackConfig(homelabEngineConfig()));
        expect(values.falcosidekick.webui.redis.image).to.deep.equal({ registry: upstream.registry, repository: upstream.repository, tag: upstream.tag });
    });

    it("passes another redis image (e.g. one built for 16K pages) to the chart", () => {
        const image = { registry: "ghcr.io", repository: "example/redis-16k", tag: "8.2.1" };
        const values = falcoValues(parseStackConfig(homelabWith({ redisImage: image })));
        expect(values.falcosidekick.webui.redis.image).to.deep.equal(image);
    });

    it("offers the classic eBPF probe, which needs no kernel BTF and passes the homelab's constraints", () => {
        const values = falcoValues(parseStackConfig(homelabWith({ driver: { ...homelabObject("driver"), kind: "ebpf" } })));
        expect(values.driver.kind).to.equal("ebpf");
        // Chart 8.0.1 gives its driver-loader init container no resources; the homelab requires them.
        expect(values.driver.loader?.initContainer.resources).to.deep.equal(DRIVER_LOADER_RESOURCES);
    });

    it("refuses kmod under the homelab's constraints: its driver loader runs privileged with an image they do not exempt", () => {
        const problems = configProblems(homelabWith({ driver: { ...homelabObject("driver"), kind: "kmod" } }));
        expect(problems.join("\n")).to.match(
            /^falco:driver\.kind: "kmod" makes chart 8\.0\.1 add the falco-driver-loader init container \(docker\.io\/falcosecurity\/falco-driver-loader:0\.43\.0, privileged\) .*\(k8spspprivilegedcontainer\)/,
        );
    });

    it("accepts kmod with constraints that exempt the driver loader's image", () => {
        const values = falcoValues(parseStackConfig(homelabWith({ driver: { ...homelabObject("driver"), kind: "kmod" }, gatekeeperConstraints: constraintsExemptingDriverLoader() })));
        expect(values.driver.kind).to.equal("kmod");
        expect(values.driver.loader?.initContainer.resources).to.deep.equal(DRIVER_LOADER_RESOURCES);
    });
});

/** "Test a detection safely" in the README: which default rule `cat /etc/shadow` fires, per the upstream rules files. */
describe("the README's detection test against Falco's default rules", () => {
    for (const file of ["falco_rules-5.0.0.yaml", "falco_rules-5.1.0.yaml"]) {
        it(`fires "Read sensitive file untrusted" (WARNING) for cat reading /etc/shadow in ${file}`, function () {
            requireUpstream(this);
            const items: any[] = readUpstreamYaml(file);
            const lists = new Map<string, string[]>(items.filter((i) => i.list).map((i) => [i.list, (i.items ?? []).map(String)]));
            const expand = (names: string[]): string[] => names.flatMap((n) => (lists.has(n) ? expand(lists.get(n)!) : [n]));
            const rule = items.find((i) => i.rule === "Read sensitive file untrusted");
            expect(rule.priority).to.equal("WARNING");
            expect(rule.tags).to.include("mitre_credential_access");
            expect(lists.get("sensitive_file_names")).to.include("/etc/shadow");
            // The programs the rule trusts: every name inside its `not proc.name in (...)` clause, lists expanded.
            const trusted = /not proc\.name in \(([^)]*)\)/.exec(rule.condition)![1].split(",").map((s: string) => s.trim()).filter(Boolean);
            expect(expand(trusted)).to.include("sshd").and.not.include("cat");
            // Nor does the homelab disable it.
            expect(parseStackConfig(homelabEngineConfig()).disabledRules).to.not.include(rule.rule);
        });
    }
});
