import { expect } from "chai";
import { UserInputError } from "../components/config/errors";
import { parseStackConfig } from "../components/config/stackConfig";
import { configProblems, homelabEngineConfig, homelabObject, homelabWith } from "./support/configFixtures";


describe("stack configuration validation", () => {
    it("accepts the homelab stack and types its values", () => {
        const config = parseStackConfig(homelabEngineConfig());
        expect(config.namespace).to.equal("falco");
        expect(config.driver).to.deep.equal({ kind: "modern_ebpf", bufSizePreset: 4, cpusForEachBuffer: 2, leastPrivileged: false });
        expect(config.resources.redis.limits.memory).to.equal("2Gi");
        expect(config.redis.maxmemory).to.equal("1000mb");
        expect(config.webui.ttl).to.equal("30d");
        expect(config.disabledRules).to.deep.equal(["Terminal shell in container", "Attach/Exec Pod"]);
        expect(config.nodes).to.equal(5);
    });

    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ["an unknown top-level key", { "falco:namspace": "x" }, /^falco:namspace: unknown configuration key; accepted keys: falco:namespace/],
        ["an unknown nested key", { redis: { ...homelabObject("redis"), maxmemroy: "1mb" } }, /^falco:redis\.maxmemroy: unknown key; accepted keys: storageSize, maxmemory/],
        ["a missing nested key", { webui: { ttl: "30d" } }, /^falco:webui\.replicas: missing/],
        ["a namespace that is not a DNS label", { namespace: "Falco_NS" }, /^falco:namespace: "Falco_NS" is not a DNS label/],
        ["a release name without falco", { releaseName: "security" }, /^falco:releaseName: "security" does not contain "falco"/],
        ["an unknown driver kind", { driver: { ...homelabObject("driver"), kind: "modern-bpf" } }, /^falco:driver\.kind: "modern-bpf" is not accepted; accepted: modern_ebpf, ebpf, kmod/],
        ["a buffer preset out of range", { driver: { ...homelabObject("driver"), bufSizePreset: 11 } }, /^falco:driver\.bufSizePreset: 11 is not accepted; accepted: an integer from 1 to 10/],
        ["a fractional replica count", { webui: { ttl: "30d", replicas: 1.5 } }, /^falco:webui\.replicas: 1\.5 is not accepted; accepted: an integer from 1 to 10/],
        [
            "a quantity that is not one",
            { resources: { ...homelabObject("resources"), falco: { requests: { cpu: "50 m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } } } },
            /^falco:resources\.falco\.requests\.cpu: "50 m" is not a positive Kubernetes quantity for CPU/,
        ],
        [
            "requests above limits",
            { resources: { ...homelabObject("resources"), sidekick: { requests: { cpu: "10m", memory: "128Mi" }, limits: { cpu: "100m", memory: "64Mi" } } } },
            /^falco:resources\.sidekick\.requests\.memory: "128Mi" is above the limit "64Mi"/,
        ],
        ["a missing component", { resources: (({ webuiInit, ...rest }) => rest)(homelabObject("resources")) }, /^falco:resources\.webuiInit: missing/],
        ["an unknown priority", { alertmanager: { ...homelabObject("alertmanager"), minimumPriority: "warn" } }, /^falco:alertmanager\.minimumPriority: "warn" is not accepted; accepted: emergency, alert/],
        ["a URL with an API path", { alertmanager: { ...homelabObject("alertmanager"), url: "http://am.monitoring:9093/api/v1/alerts" } }, /^falco:alertmanager\.url: .* no path/],
        ["a URL without a port", { loki: { ...homelabObject("loki"), url: "http://loki.monitoring" } }, /^falco:loki\.url: "http:\/\/loki\.monitoring" is not accepted/],
        ["a URL that is not http", { loki: { ...homelabObject("loki"), url: "grpc://loki:3100" } }, /^falco:loki\.url:/],
        ["a TTL with an unknown unit", { webui: { ttl: "30h", replicas: 2 } }, /^falco:webui\.ttl: "30h" is not accepted; accepted: a number followed by s, m, d or w/],
        ["an unknown eviction policy", { redis: { ...homelabObject("redis"), maxmemoryPolicy: "lru" } }, /^falco:redis\.maxmemoryPolicy: "lru" is not accepted; accepted: noeviction, allkeys-lru/],
        ["a redis size in Kubernetes units", { redis: { ...homelabObject("redis"), maxmemory: "1000Mi" } }, /^falco:redis\.maxmemory: "1000Mi" is not a redis memory size/],
        ["a redis maxmemory without headroom", { redis: { ...homelabObject("redis"), maxmemory: "1600mb" } }, /^falco:redis\.maxmemory: "1600mb" plus 512Mi of headroom .* above the redis memory limit "2Gi"/],
        [
            "a memory limit above the cluster maximum",
            { resources: { ...homelabObject("resources"), redis: { requests: { cpu: "50m", memory: "1536Mi" }, limits: { cpu: "200m", memory: "2049Mi" } } } },
            /^falco:resources\.redis: Gatekeeper would refuse the pods \(k8scontainerlimits\): container <redis> memory limit <2049Mi> is higher than the maximum allowed of <2Gi> \[constraint container-memory-at-most-2gi\]/,
        ],
        ["a rules list that is not a list", { disabledRules: { name: "x" } }, /^falco:disabledRules: .* is not a list/],
        ["an empty rule name", { disabledRules: ["Attach/Exec Pod", " "] }, /^falco:disabledRules\[1\]: empty rule name/],
        ["a node count that is not an integer", { nodes: "five" }, /^falco:nodes: "five" is not a valid integer/],
        ["an object key given malformed JSON", { driver: "{kind: modern_ebpf" }, /^falco:driver: "\{kind: modern_ebpf" is not a valid object/],
        ["a footprint warning percent out of range", { footprintMemoryWarnPercent: 0 }, /^falco:footprintMemoryWarnPercent: 0 is not accepted; accepted: an integer from 1 to 100/],
        ["a moving redis image tag", { redisImage: { ...homelabObject("redisImage"), tag: "latest" } }, /^falco:redisImage\.tag: "latest" is not accepted; accepted: a fixed tag/],
        ["a redis image without a repository", { redisImage: { registry: "docker.io", tag: "8.2" } }, /^falco:redisImage\.repository: missing/],
    ];

    for (const [what, overrides, expected] of cases) {
        it(`refuses ${what}, naming the key, the value and what is accepted`, () => {
            const problems = configProblems(homelabWith(overrides));
            expect(problems.some((p) => expected.test(p)), problems.join("\n")).to.equal(true);
        });
    }

    it("accepts a default port written out, which URL parsing hides", () => {
        const config = parseStackConfig(homelabWith({ loki: { ...homelabObject("loki"), url: "http://loki-gateway.monitoring.svc.cluster.local:80" } }));
        expect(config.loki.url).to.equal("http://loki-gateway.monitoring.svc.cluster.local:80");
    });

    it("accepts a memory limit exactly at the cluster maximum (inclusive)", () => {
        const resources = homelabObject("resources");
        resources.redis.limits.memory = "2048Mi";
        expect(() => parseStackConfig(homelabWith({ resources }))).to.not.throw();
    });

    it("reports every problem at once, without a stack trace in the message", () => {
        const err = (() => {
            try {
                parseStackConfig(homelabWith({ namespace: "BAD", webui: { ttl: "x", replicas: 0 } }));
            } catch (e) {
                return e as Error;
            }
            return undefined;
        })();
        expect(err).to.be.instanceOf(UserInputError);
        expect((err as UserInputError).problems).to.have.length(3);
        expect(err!.message).to.not.match(/\bat .*\.ts:\d+/);
    });

    describe("one problem per mistake: what is missing is reported once, not again by every reader below it", () => {
        it("reports each key that is not set once, and nothing about its fields", () => {
            const problems = configProblems({});
            expect(problems.length).to.equal(Object.keys(homelabEngineConfig()).filter((key) => key.startsWith("falco:")).length);
            expect(problems.every((p) => /^falco:\w+: not set; Pulumi.yaml declares its default/.test(p)), problems.join("\n")).to.equal(true);
        });

        it("reports a missing object once, not each of its required fields", () => {
            const resources = homelabObject("resources");
            delete resources.falco;
            delete resources.redis.limits;
            expect(configProblems(homelabWith({ resources }))).to.deep.equal(["falco:resources.falco: missing; it is required", "falco:resources.redis.limits: missing; it is required"]);
        });

        it("reports a missing field once, not also as a value of the wrong type", () => {
            const webui = homelabObject("webui");
            delete webui.ttl;
            const alertmanager = homelabObject("alertmanager");
            delete alertmanager.url;
            const monitoring = homelabObject("monitoring");
            delete monitoring.prometheusLabels;
            expect(configProblems(homelabWith({ webui, alertmanager, monitoring }))).to.deep.equal([
                "falco:webui.ttl: missing; it is required",
                "falco:alertmanager.url: missing; it is required",
                "falco:monitoring.prometheusLabels: missing; it is required",
            ]);
        });

        it("reports a value that is not valid JSON once", () => {
            expect(configProblems(homelabWith({ driver: "{not json" }))).to.deep.equal(['falco:driver: "{not json" is not a valid object']);
        });

        it("still judges a field that is present but wrong", () => {
            const webui = homelabObject("webui");
            webui.ttl = 30;
            expect(configProblems(homelabWith({ webui }))).to.deep.equal(['falco:webui.ttl: 30 is not accepted; accepted: a number followed by s, m, d or w (e.g. "30d"), or "0" for no expiry']);
        });
    });
});
