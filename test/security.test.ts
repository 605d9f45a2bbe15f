import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { PodSecurityContext as PodSecurityContextModel } from "kubernetes-models/v1/PodSecurityContext";
import { SecurityContext as SecurityContextModel } from "kubernetes-models/v1/SecurityContext";
import { UserInputError } from "../components/config/errors";
import { parseStackConfig } from "../components/config/stackConfig";
import { credentialSecretNames, GENERATED_PASSWORD, REDIS_SECRET_KEYS, WEBUI_LOGIN_NAME, WEBUI_SECRET_KEYS } from "../components/credentials";
import { POD_SECURITY_MODES } from "../components/falcoNamespace";
import { FALCO_CHART, falcoValues, REDIS_PASSWORD_SWITCH } from "../components/falcoValues";
import { COMPONENT_TYPES, POD_SECURITY_VERSION } from "../components/naming";
import { Deployment, StatefulSet, DaemonSet } from "kubernetes-models/apps/v1";
import { SIDEKICK_CHART_NAME } from "../components/network/chartPods";
import { ROTATION_ANNOTATION } from "../components/podSecurity";
import { readRulesFolder } from "../components/rules";
import { NON_FALCO_CONTAINERS, THREAT_COVERAGE } from "../components/securityModel";
import { fakeRandomPassword, PROJECT_ROOT, ProgramRun, RANDOM_PASSWORD_TYPE, runProgram, SECRET_PLACEHOLDER } from "../scripts/mockRuntime";
import { HELM_CHART_TYPE, render } from "../scripts/render";
import { unknownFalcoChartPaths } from "./support/chartValuePaths";
import { constraintsExemptingDriverLoader, homelabEngineConfig, homelabObject, homelabWith } from "./support/configFixtures";
import { readUpstreamYaml, requireUpstream } from "./support/upstream";

function chartValues(run: ProgramRun): any {
    return run.resources.find((r) => r.type === HELM_CHART_TYPE)!.inputs.values;
}

/** The value the mock provider generated for a RandomPassword. */
function generatedFor(run: ProgramRun, name: string): string {
    const resource = run.resources.find((r) => r.type === RANDOM_PASSWORD_TYPE && r.name === name)!;
    const value = fakeRandomPassword(name, resource.inputs);
    expect(run.providerGenerated).to.include(value);
    return value;
}

function secretsByName(run: ProgramRun): Map<string, any> {
    const secrets = run.resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
    return new Map(secrets.map((s) => [(s.inputs.metadata as any).name, s.inputs]));
}

/** Every file under dir, as relative path -> content. */
function readTree(dir: string): Map<string, string> {
    const files = new Map<string, string>();
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) {
            const full = path.join(entry.parentPath, entry.name);
            files.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
        }
    }
    return files;
}

/** The forms a credential could leak in: as is, base64 (Secret.data), and inside the login pair. */
function leakForms(value: string): string[] {
    return [value, Buffer.from(value).toString("base64"), Buffer.from(`${WEBUI_LOGIN_NAME}:${value}`).toString("base64")];
}

describe("generated credentials", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(homelabEngineConfig());
    });

    it("generates the web UI and redis passwords with RandomPassword, keyed on falco:credentialsRotation", () => {
        const passwords = run.resources.filter((r) => r.type === RANDOM_PASSWORD_TYPE);
        expect(passwords.map((p) => p.name).sort()).to.deep.equal(["credentials-redis-password", "credentials-webui-password"]);
        for (const p of passwords) {
            expect(p.parent).to.match(new RegExp(`${COMPONENT_TYPES.credentials}::credentials$`));
            expect(p.inputs).to.deep.include({ length: GENERATED_PASSWORD.length, special: false });
            expect(p.inputs.keepers).to.deep.equal({ rotation: "initial" });
        }
        expect(run.providerGenerated).to.have.length(2);
        expect(new Set(run.providerGenerated).size).to.equal(2);
    });

    it("keeps them in Secrets with the keys chart 0.12.1 reads, and the chart references those Secrets by name", () => {
        const names = credentialSecretNames("falco");
        const secrets = secretsByName(run);
        expect([...secrets.keys()].sort()).to.deep.equal([names.redis, names.webui].sort());
        for (const secret of secrets.values()) {
            expect(secret.metadata.namespace).to.equal("falco");
            expect(secret.stringData).to.equal(SECRET_PLACEHOLDER);
            expect(secret.data).to.equal(undefined);
        }
        const values = chartValues(run).falcosidekick.webui;
        expect(values.existingSecret).to.equal(names.webui);
        expect(values.redis.existingSecret).to.equal(names.redis);

        // What the Secrets hold, recovered from the secret envelopes the mock saw.
        const uiPassword = generatedFor(run, "credentials-webui-password");
        const redisPassword = generatedFor(run, "credentials-redis-password");
        const stringData = run.secretValues.filter((s): s is Record<string, string> => typeof s === "object" && s !== null && !Array.isArray(s));
        expect(stringData).to.deep.include({
            [WEBUI_SECRET_KEYS.login]: `${WEBUI_LOGIN_NAME}:${uiPassword}`,
            [WEBUI_SECRET_KEYS.redisPassword]: redisPassword,
            [WEBUI_SECRET_KEYS.redisPasswordForInit]: redisPassword,
        });
        expect(stringData).to.deep.include({ [REDIS_SECRET_KEYS.args]: `--requirepass ${redisPassword}` });
    });

    it("gives the chart no credential: no login of its own (so no admin:admin), and only a non-secret switch for redis", () => {
        const webui = chartValues(run).falcosidekick.webui;
        expect(webui.user).to.equal("");
        expect(webui.disableauth).to.equal(false);
        expect(webui.redis.password).to.equal(REDIS_PASSWORD_SWITCH);
        const text = JSON.stringify(chartValues(run));
        expect(text).to.not.contain("admin:admin");
        for (const generated of run.providerGenerated) {
            expect(text).to.not.contain(generated);
        }
    });

    it("exports the web UI login as a secret stack output", () => {
        expect(run.outputs.webuiLogin).to.equal(SECRET_PLACEHOLDER);
        const logins = run.secretValues.filter((s: any) => s && s.username === WEBUI_LOGIN_NAME);
        expect(logins).to.have.length(1);
        expect(run.providerGenerated).to.include((logins[0] as any).password);
    });

    it("rotates: a new falco:credentialsRotation gives new passwords and rolls the web UI and redis pods", async () => {
        const rotated = await runProgram(homelabWith({ credentialsRotation: "2026-12-04" }));
        expect(rotated.providerGenerated).to.have.length(2);
        for (const value of rotated.providerGenerated) {
            expect(run.providerGenerated).to.not.include(value);
        }
        const keepers = rotated.resources.filter((r) => r.type === RANDOM_PASSWORD_TYPE).map((r) => r.inputs.keepers);
        expect(keepers).to.deep.equal([{ rotation: "2026-12-04" }, { rotation: "2026-12-04" }]);
        const webui = chartValues(rotated).falcosidekick.webui;
        expect(webui.podAnnotations[ROTATION_ANNOTATION]).to.equal("2026-12-04");
        expect(webui.redis.podAnnotations[ROTATION_ANNOTATION]).to.equal("2026-12-04");
    });

    it("refuses an empty rotation marker", () => {
        expect(() => parseStackConfig(homelabWith({ credentialsRotation: "" }))).to.throw(UserInputError, /falco:credentialsRotation: "" is not accepted/);
    });

    describe("in the offline render", () => {
        let outDir: string;
        let files: Map<string, string>;
        let generated: string[];
        before(async () => {
            outDir = fs.mkdtempSync(path.join(os.tmpdir(), "falco-render-secrets-"));
            await render({ stack: "homelab", stackFile: path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"), outDir });
            files = readTree(outDir);
            // The mock's values are deterministic: a second run of the same stack yields the ones the render saw.
            generated = (await runProgram(homelabEngineConfig())).providerGenerated;
        });

        it("never contains a generated credential, in any file, in any encoding", () => {
            expect(generated).to.have.length(2);
            expect(files.size).to.be.greaterThan(3);
            for (const [file, content] of files) {
                for (const value of generated) {
                    for (const form of leakForms(value)) {
                        expect(content.includes(form), `${file} contains a generated credential`).to.equal(false);
                    }
                }
            }
        });

        it("writes [secret] where the credentials are: both Secrets' data and the web UI login output", () => {
            const names = credentialSecretNames("falco");
            for (const name of [names.webui, names.redis]) {
                expect(files.get(`manifests/secret_falco_${name}.yaml`)).to.contain(`stringData: "${SECRET_PLACEHOLDER}"`);
            }
            expect(JSON.parse(files.get("outputs.json")!).webuiLogin).to.equal(SECRET_PLACEHOLDER);
        });
    });
});

/** Every securityContext-like map in the chart values, by key path. */
function securityContexts(values: unknown, prefix = ""): Map<string, any> {
    const found = new Map<string, any>();
    if (values && typeof values === "object" && !Array.isArray(values)) {
        for (const [key, value] of Object.entries(values)) {
            const keyPath = prefix ? `${prefix}.${key}` : key;
            if (/securityContext$/i.test(key)) {
                found.set(keyPath, value);
            } else {
                for (const [p, v] of securityContexts(value, keyPath)) {
                    found.set(p, v);
                }
            }
        }
    }
    return found;
}

describe("least privilege for every pod but Falco's", () => {
    const values = falcoValues(parseStackConfig(homelabEngineConfig())) as any;
    const contexts = securityContexts(values);

    it("sets a restricted securityContext on each falcosidekick, web UI, init and redis container", () => {
        for (const { container, valuePath: keyPath } of NON_FALCO_CONTAINERS) {
            const sc = contexts.get(keyPath);
            expect(sc, `${container}: ${keyPath}`).to.be.an("object");
            new SecurityContextModel(sc).validate();
            expect(sc, container).to.deep.include({ runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true });
            expect(sc.runAsUser, container).to.be.greaterThan(0);
            expect(sc.capabilities, container).to.deep.equal({ drop: ["ALL"] });
            expect(sc.seccompProfile, container).to.deep.equal({ type: "RuntimeDefault" });
        }
    });

    it("runs redis' pod as non-root, with fsGroup so that its volume stays writable", () => {
        const pod = values.falcosidekick.webui.redis.podSecurityContext;
        new PodSecurityContextModel(pod).validate();
        expect(pod).to.deep.include({ runAsNonRoot: true, runAsUser: 1234, fsGroup: 1234, seccompProfile: { type: "RuntimeDefault" } });
    });

    it("lets no container but Falco's be privileged or run as root", () => {
        const nonFalco = [...contexts].filter(([keyPath]) => keyPath.startsWith("falcosidekick."));
        expect(nonFalco.map(([p]) => p).sort()).to.deep.equal(
            [...NON_FALCO_CONTAINERS.map((c) => c.valuePath), "falcosidekick.webui.redis.podSecurityContext"].sort(),
        );
        for (const [keyPath, sc] of nonFalco) {
            expect(sc.privileged, keyPath).to.not.equal(true);
            expect(sc.runAsNonRoot, keyPath).to.equal(true);
            expect(sc.runAsUser, keyPath).to.not.equal(0);
            expect(sc.capabilities?.add ?? [], keyPath).to.deep.equal([]);
        }
        // Falco's own container is left to the chart, which makes it privileged (or capability-based, see below).
        expect([...contexts.keys()].filter((p) => !p.startsWith("falcosidekick."))).to.deep.equal([]);
    });

    it("stops mounting service-account tokens into the falcosidekick, web UI and redis pods, and leaves Falco's alone", async () => {
        const run = await runProgram(homelabEngineConfig());
        const chartTransforms = run.transforms["falco"] ?? [];
        expect(chartTransforms).to.have.length.greaterThan(0);
        // Workloads shaped as the 0.12.1 and 8.0.1 templates render them (names, kinds, selector labels).
        const workload = (kind: "Deployment" | "StatefulSet" | "DaemonSet", name: string, appName: string) => ({
            apiVersion: "apps/v1",
            kind,
            metadata: { name, namespace: "falco" },
            spec: {
                selector: { matchLabels: { "app.kubernetes.io/name": appName } },
                template: {
                    metadata: { labels: { "app.kubernetes.io/name": appName, "app.kubernetes.io/instance": "falco" } },
                    spec: { serviceAccountName: name, containers: [{ name: appName, image: `docker.io/falcosecurity/${appName}` }] },
                },
            },
        });
        const apply = async (type: string, props: any) => {
            for (const transform of chartTransforms) {
                const result = await transform({ type, name: props.metadata.name, props, opts: {}, custom: true } as any);
                props = result?.props ?? props;
            }
            return props;
        };
        const models = { Deployment, StatefulSet, DaemonSet } as const;
        const cases: [keyof typeof models, string, string, boolean | undefined][] = [
            ["Deployment", "falco-falcosidekick", SIDEKICK_CHART_NAME, false],
            ["Deployment", "falco-falcosidekick-ui", SIDEKICK_CHART_NAME, false],
            ["StatefulSet", "falco-falcosidekick-ui-redis", SIDEKICK_CHART_NAME, false],
            ["DaemonSet", "falco", "falco", undefined],
            // Chart 8.0.1 can also run Falco as a Deployment (controller.kind); it must stay untouched too.
            ["Deployment", "falco", "falco", undefined],
        ];
        for (const [kind, name, appName, expected] of cases) {
            const out = await apply(`kubernetes:apps/v1:${kind}`, workload(kind, name, appName));
            new models[kind](out).validate();
            expect(out.spec.template.spec.automountServiceAccountToken, `${kind} ${name}`).to.equal(expected);
        }
    });

    it("creates no RBAC the stack does not use", function () {
        expect(values.rbac).to.deep.equal({ create: false });
        requireUpstream(this);
        const sidekickDefaults = readUpstreamYaml(`falcosidekick-${FALCO_CHART.sidekickChartVersion}-values.yaml`);
        // Off upstream and not turned on here: the PodSecurityPolicy Role rule and the policy-report ClusterRole.
        expect(sidekickDefaults.podSecurityPolicy.create).to.equal(false);
        expect(sidekickDefaults.config.policyreport.enabled).to.equal(false);
        expect(values.falcosidekick.podSecurityPolicy).to.equal(undefined);
        expect(values.falcosidekick.config.policyreport).to.equal(undefined);
    });
});

describe("Falco's privileges: falco:driver.leastPrivileged", () => {
    const driver = (extra: Record<string, unknown>) => parseStackConfig(homelabWith({ driver: { ...homelabObject("driver"), ...extra } }));

    it("keeps Falco privileged by default, also when the stack's driver object omits the key", () => {
        expect(homelabObject("driver")).to.not.have.property("leastPrivileged");
        const config = parseStackConfig(homelabEngineConfig());
        expect(config.driver.leastPrivileged).to.equal(false);
        expect(falcoValues(config).driver.modernEbpf!.leastPrivileged).to.equal(false);
    });

    it("maps to driver.modernEbpf.leastPrivileged and driver.ebpf.leastPrivileged", () => {
        expect(falcoValues(driver({ leastPrivileged: true })).driver).to.deep.equal({
            kind: "modern_ebpf",
            modernEbpf: { bufSizePreset: 4, cpusForEachBuffer: 2, leastPrivileged: true },
        });
        expect(falcoValues(driver({ kind: "ebpf", leastPrivileged: true })).driver).to.deep.include({ kind: "ebpf", ebpf: { bufSizePreset: 4, leastPrivileged: true } });
    });

    it("refuses it with kmod, which the chart always runs privileged", () => {
        expect(() => driver({ kind: "kmod", leastPrivileged: true })).to.throw(
            UserInputError,
            /falco:driver\.leastPrivileged: true is not accepted with kind "kmod"; accepted: leastPrivileged true only with kind modern_ebpf or ebpf/,
        );
        const kmod = parseStackConfig(
            homelabWith({ driver: { ...homelabObject("driver"), kind: "kmod", leastPrivileged: false }, gatekeeperConstraints: constraintsExemptingDriverLoader() }),
        );
        expect(kmod.driver.leastPrivileged).to.equal(false);
    });

    it("refuses a value that is not a boolean", () => {
        expect(() => driver({ leastPrivileged: "yes" })).to.throw(UserInputError, /falco:driver\.leastPrivileged: "yes" is not a boolean/);
    });

    it("sets only key paths chart 8.0.1 reads, in every variant", function () {
        requireUpstream(this);
        const falcoDefaults = readUpstreamYaml(`falco-${FALCO_CHART.version}-values.yaml`);
        const sidekickDefaults = readUpstreamYaml(`falcosidekick-${FALCO_CHART.sidekickChartVersion}-values.yaml`);
        for (const config of [driver({ leastPrivileged: true }), driver({ kind: "ebpf", leastPrivileged: true })]) {
            expect(unknownFalcoChartPaths(falcoValues(config) as any, falcoDefaults, sidekickDefaults)).to.deep.equal([]);
        }
    });
});

describe("namespace Pod Security labels", () => {
    it("enforce privileged for Falco, and warn and audit at restricted for anything else that drifts", async () => {
        const { resources } = await runProgram(homelabEngineConfig());
        const namespace = resources.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
        expect((namespace.inputs.metadata as any).labels).to.deep.equal({
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
        });
        expect(POD_SECURITY_MODES.enforce).to.equal("privileged");
    });
});

describe("security model: threat coverage", () => {
    /** The threats of the old deployment's list, which the README must answer. */
    const REQUIRED_THREATS = ["Container escape", "Privilege escalation", "Reverse shells", "Crypto mining", "Sensitive file access", "Anomalous network activity"];

    it("names rules for every threat of the old deployment's list", () => {
        const threats = THREAT_COVERAGE.map((t) => t.threat);
        expect(threats).to.include.members(REQUIRED_THREATS);
        for (const t of THREAT_COVERAGE) {
            expect(t.upstreamRules.length + t.customRules.length, t.threat).to.be.greaterThan(0);
        }
    });

    for (const version of ["5.0.0", "5.1.0"]) {
        it(`claims only rules that exist in falco_rules ${version}`, function () {
            requireUpstream(this);
            const upstream = new Set((readUpstreamYaml(`falco_rules-${version}.yaml`) as any[]).filter((item) => item.rule).map((item) => item.rule));
            const missing = THREAT_COVERAGE.flatMap((t) => t.upstreamRules).filter((rule) => !upstream.has(rule));
            expect(missing).to.deep.equal([]);
        });
    }

    it("claims only custom rules that the rules folder defines", () => {
        const defined = readRulesFolder().flatMap((file) =>
            (YAML.parse(file.text) as any[]).filter((item) => typeof item?.rule === "string" && item.override === undefined).map((item) => item.rule),
        );
        const claimed = THREAT_COVERAGE.flatMap((t) => t.customRules);
        expect(claimed).to.not.be.empty;
        expect(claimed.filter((rule) => !defined.includes(rule))).to.deep.equal([]);
    });

    it("claims no rule the homelab stack disables", () => {
        const disabled = new Set(parseStackConfig(homelabEngineConfig()).disabledRules);
        const claimed = THREAT_COVERAGE.flatMap((t) => [...t.upstreamRules, ...t.customRules]);
        expect(claimed.filter((rule) => disabled.has(rule))).to.deep.equal([]);
    });
});
