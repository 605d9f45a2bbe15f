import { expect } from "chai";
import { PORTS } from "../components/falcoValues";
import { ALERT_NAMES, PROMETHEUS_RULE_NAME } from "../components/monitoring/alerts";
import { runProgram, SECRET_PLACEHOLDER } from "../scripts/mockRuntime";
import { homelabEngineConfig, homelabWith } from "./support/configFixtures";

describe("operator stack outputs and the event store's protection", () => {
    it("give the web UI port-forward (port 2802), the event targets and the chart's object names", async () => {
        const { outputs } = await runProgram(homelabEngineConfig());
        expect(outputs.webUi).to.deep.equal({
            portForward: `kubectl -n falco port-forward svc/falco-falcosidekick-ui ${PORTS.webui}:${PORTS.webui}`,
            url: "http://localhost:2802",
        });
        expect(outputs.eventTargets).to.deep.equal({
            alertmanager: { url: "http://alertmanager-operated.monitoring.svc.cluster.local:9093/api/v2/alerts", minimumPriority: "warning" },
            loki: { url: "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push", minimumPriority: "debug" },
        });
        const objects = outputs.objects as any;
        expect(objects.workloads.falco).to.deep.include({ kind: "DaemonSet", name: "falco", podSelector: "app.kubernetes.io/name=falco,app.kubernetes.io/instance=falco" });
        expect(objects.services).to.deep.equal({ sidekick: "falco-falcosidekick", webUi: "falco-falcosidekick-ui", redis: "falco-falcosidekick-ui-redis" });
        expect(objects.redisDataClaim).to.equal("falco-falcosidekick-ui-redis-data-falco-falcosidekick-ui-redis-0");
    });

    it("give the rules version followed or pinned, and the alert names", async () => {
        const followed = await runProgram(homelabWith({ rulesVersion: "5" }));
        // issue 3's output `falcoRules` carries it; the operator outputs do not repeat it.
        expect(followed.outputs.falcoRules).to.deep.include({ defaultRules: "falco-rules:5", followed: true });
        const pinned = await runProgram(homelabWith({ rulesVersion: "5.0.0" }));
        expect(pinned.outputs.falcoRules).to.deep.include({ defaultRules: "falco-rules:5.0.0", followed: false });
        expect(pinned.outputs.alerts).to.deep.equal({ prometheusRule: PROMETHEUS_RULE_NAME, names: [...ALERT_NAMES] });
        expect(ALERT_NAMES).to.include("FalcoCriticalSecurityEvent").and.include("FalcoNoEvents");
    });

    it("carry the web UI login as a secret", async () => {
        const { outputs } = await runProgram(homelabEngineConfig());
        expect(outputs.webuiLogin).to.equal(SECRET_PLACEHOLDER);
    });

    it("follow the configured namespace and release name", async () => {
        const { outputs } = await runProgram(homelabWith({ namespace: "security", releaseName: "falco-pi" }));
        expect((outputs.webUi as any).portForward).to.equal("kubectl -n security port-forward svc/falco-pi-falcosidekick-ui 2802:2802");
        expect((outputs.objects as any).workloads.sidekick.name).to.equal("falco-pi-falcosidekick");
    });

    it("protect the namespace, whose deletion would delete redis' volume claim, and nothing else", async () => {
        const { protectedResources } = await runProgram(homelabEngineConfig());
        expect(protectedResources).to.deep.equal(["kubernetes:core/v1:Namespace::falco-namespace"]);
    });
});
