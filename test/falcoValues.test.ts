import { expect } from "chai";
import { parseStackConfig } from "../components/config/stackConfig";
import { ALERTMANAGER_API_PATH, DRIVER_LOADER_RESOURCES, FALCO_CHART, falcoValues } from "../components/falcoValues";
import { unknownFalcoChartPaths, unknownValuePaths } from "./support/chartValuePaths";
import { homelabEngineConfig, homelabObject, homelabWith } from "./support/configFixtures";
import { readUpstreamYaml, requireUpstream } from "./support/upstream";

describe("falco chart values", () => {
    const homelab = falcoValues(parseStackConfig(homelabEngineConfig()));

    it("carry the homelab's driver, sizes, retention and routing", () => {
        expect(homelab.driver).to.deep.equal({ kind: "modern_ebpf", modernEbpf: { bufSizePreset: 4, cpusForEachBuffer: 2, leastPrivileged: false } });
        expect(homelab.resources).to.deep.equal({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
        const sk = homelab.falcosidekick;
        expect(sk.enabled).to.equal(true);
        expect(sk.resources).to.deep.equal({ requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } });
        expect(sk.webui.resources).to.deep.equal({ requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } });
        expect(sk.webui.initContainer.resources).to.deep.equal({ requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "50m", memory: "64Mi" } });
        expect(sk.webui.redis.resources).to.deep.equal({ requests: { cpu: "50m", memory: "1536Mi" }, limits: { cpu: "200m", memory: "2Gi" } });
        expect(sk.webui.ttl).to.equal("30d");
        expect(sk.webui.redis.storageSize).to.equal("2Gi");
        expect(sk.webui.redis.customConfig).to.deep.equal(["maxmemory 1000mb", "maxmemory-policy allkeys-lru"]);
        expect(sk.config.alertmanager.minimumpriority).to.equal("warning");
        expect(sk.config.loki.minimumpriority).to.equal("debug");
        expect(homelab.metrics.enabled).to.equal(true);
    });

    it("post to Alertmanager's v2 API, the only one current Alertmanager serves", () => {
        expect(homelab.falcosidekick.config.alertmanager.endpoint).to.equal(ALERTMANAGER_API_PATH);
        expect(ALERTMANAGER_API_PATH).to.equal("/api/v2/alerts");
    });

    it("schedule Falco on control-plane nodes too", () => {
        const keys = homelab.tolerations.map((t) => t.key);
        expect(keys).to.include("node-role.kubernetes.io/control-plane");
    });

    it("follow non-default configuration", () => {
        const driver = { ...homelabObject("driver"), kind: "ebpf", bufSizePreset: 6 };
        const values = falcoValues(
            parseStackConfig(
                homelabWith({
                    driver,
                    alertmanager: { url: "https://am.example.internal:9443", minimumPriority: "critical" },
                    webui: { ttl: "2w", replicas: 1 },
                    sidekick: { replicas: 1 },
                    redis: { storageSize: "5Gi", storageClass: "local-path", maxmemory: "1gb", maxmemoryPolicy: "allkeys-lfu" },
                }),
            ),
        );
        expect(values.driver).to.deep.equal({
            kind: "ebpf",
            ebpf: { bufSizePreset: 6, leastPrivileged: false },
            loader: { initContainer: { resources: DRIVER_LOADER_RESOURCES } },
        });
        expect(values.falcosidekick.config.alertmanager).to.deep.include({ hostport: "https://am.example.internal:9443", minimumpriority: "critical" });
        expect(values.falcosidekick.replicaCount).to.equal(1);
        expect(values.falcosidekick.webui.replicaCount).to.equal(1);
        expect(values.falcosidekick.webui.ttl).to.equal("2w");
        expect(values.falcosidekick.webui.redis).to.deep.include({ storageSize: "5Gi", storageClass: "local-path" });
        expect(values.falcosidekick.webui.redis.customConfig).to.deep.equal(["maxmemory 1gb", "maxmemory-policy allkeys-lfu"]);
    });

    describe(`against the upstream values of chart ${FALCO_CHART.version} and falcosidekick ${FALCO_CHART.sidekickChartVersion}`, () => {
        it("set only key paths the charts read", function () {
            requireUpstream(this);
            const falcoDefaults = readUpstreamYaml(`falco-${FALCO_CHART.version}-values.yaml`);
            const sidekickDefaults = readUpstreamYaml(`falcosidekick-${FALCO_CHART.sidekickChartVersion}-values.yaml`);
            const ebpf = parseStackConfig(homelabWith({ driver: { ...homelabObject("driver"), kind: "ebpf" } }));
            // kmod is refused by the homelab's constraints (its loader runs privileged); its values are still checked.
            const kmod = { ...ebpf, driver: { ...ebpf.driver, kind: "kmod" as const } };
            const configs = [homelab, falcoValues(ebpf), falcoValues(kmod)];
            for (const values of configs) {
                expect(unknownFalcoChartPaths(values as any, falcoDefaults, sidekickDefaults)).to.deep.equal([]);
            }
        });

        it("pin the chart version and app version upstream declares", function () {
            requireUpstream(this);
            const chart = readUpstreamYaml(`falco-${FALCO_CHART.version}-Chart.yaml`);
            expect(chart.version).to.equal(FALCO_CHART.version);
            expect(chart.appVersion).to.equal(FALCO_CHART.appVersion);
            const sidekickDefaults = readUpstreamYaml(`falcosidekick-${FALCO_CHART.sidekickChartVersion}-values.yaml`);
            expect(sidekickDefaults.image.tag).to.equal(FALCO_CHART.sidekickAppVersion);
        });
    });

    describe("the key-path check itself", () => {
        const upstream = { a: { b: 1, passthrough: {} }, list: [1] };
        it("finds a misspelled or misplaced key", () => {
            expect(unknownValuePaths({ a: { c: 1 } }, upstream)).to.deep.equal(["a.c"]);
            expect(unknownValuePaths({ b: 1 }, upstream)).to.deep.equal(["b"]);
            expect(unknownValuePaths({ a: { b: { deeper: 1 } } }, upstream)).to.deep.equal(["a.b.deeper"]);
        });
        it("accepts anything under a map the chart passes through, and lists as leaves", () => {
            expect(unknownValuePaths({ a: { passthrough: { any: { thing: 1 } } }, list: [{ x: 1 }] }, upstream)).to.deep.equal([]);
        });
    });
});
