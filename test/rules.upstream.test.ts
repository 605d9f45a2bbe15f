import { expect } from "chai";
import * as fs from "fs";
import YAML from "yaml";
import { parseStackConfig } from "../components/config/stackConfig";
import { falcoValues, FALCO_CHART } from "../components/falcoValues";
import { falcoRules, readRulesFolder, RULES_MOUNT_PATH } from "../components/rules";
import { conditionReferences } from "../components/rules/condition";
import { FALCO_FIELDS } from "../components/rules/fields";
import { CHART_DEFAULT_RULES_VERSION, CONTAINER_PLUGIN_REF, LoadedNames, notLoadedRulesetOf } from "../components/rules/rulesSources";
import { UPSTREAM_RULE_NAMES } from "../components/rules/upstreamRuleNames";
import { rulesFileProblems } from "../components/rules/validate";
import { GENERATED_NAMES_PATH, generatedNamesModule, namesOfRulesFile, UPSTREAM_RULES_FILES } from "../scripts/generateRuleNames";
import { COMMENTED_VALUE_PATHS, unknownFalcoChartPaths } from "./support/chartValuePaths";
import { homelabEngineConfig } from "./support/configFixtures";
import { readUpstreamText, readUpstreamYaml, requireUpstream } from "./support/upstream";

const FALCO_RULES_FILES = ["falco_rules-5.0.0.yaml", "falco_rules-5.1.0.yaml"];

describe("Falco rules against the upstream reference files", () => {
    beforeEach(function () {
        requireUpstream(this);
    });

    describe("carried rule names", () => {
        it("are exactly what scripts/generateRuleNames.ts derives from the upstream rules files", () => {
            expect(fs.readFileSync(GENERATED_NAMES_PATH, "utf8")).to.equal(generatedNamesModule(readUpstreamText));
        });

        it("match every rule, macro and list name of falco_rules 5.0.0, 5.1.0 and k8s_audit_rules 0.16.0", () => {
            for (const { ruleset, version, file } of UPSTREAM_RULES_FILES) {
                const carried = (UPSTREAM_RULE_NAMES as any)[ruleset][version];
                const upstream = readUpstreamYaml(file) as Array<Record<string, string>>;
                for (const kind of ["rule", "macro", "list"]) {
                    const names = upstream.filter((item) => typeof item[kind] === "string").map((item) => item[kind]);
                    expect([...carried[`${kind}s`]].sort(), `${file} ${kind}s`).to.deep.equal([...new Set(names)].sort());
                }
            }
            expect(namesOfRulesFile(readUpstreamText("falco_rules-5.1.0.yaml")).macros).to.include("postgres_running_cnpg");
            expect(namesOfRulesFile(readUpstreamText("falco_rules-5.0.0.yaml")).macros).to.not.include("postgres_running_cnpg");
        });
    });

    describe("where the homelab's disabled rules live", () => {
        it('"Terminal shell in container" is in the default ruleset Falco loads (5.0.0 and 5.1.0)', () => {
            for (const file of FALCO_RULES_FILES) {
                expect(namesOfRulesFile(readUpstreamText(file)).rules, file).to.include("Terminal shell in container");
            }
            expect(notLoadedRulesetOf("Terminal shell in container")).to.equal(undefined);
        });

        it('"Attach/Exec Pod" is only in k8s_audit_rules, which needs the k8saudit plugin', () => {
            for (const file of FALCO_RULES_FILES) {
                expect(namesOfRulesFile(readUpstreamText(file)).rules, file).to.not.include("Attach/Exec Pod");
            }
            expect(namesOfRulesFile(readUpstreamText("k8s_audit_rules-0.16.0.yaml")).rules).to.include("Attach/Exec Pod");
            const requirements = readUpstreamYaml("k8s_audit_rules-0.16.0.yaml").find((item: any) => item.required_plugin_versions);
            expect(requirements.required_plugin_versions.map((p: any) => p.name)).to.include("k8saudit");
            expect(notLoadedRulesetOf("Attach/Exec Pod")).to.deep.include({ ruleset: "k8s_audit_rules", plugin: "k8saudit" });
        });
    });

    describe("the condition reader", () => {
        it("reads every upstream condition, and every macro it finds is defined in that file", () => {
            for (const { file } of UPSTREAM_RULES_FILES) {
                const items = readUpstreamYaml(file) as Array<Record<string, string>>;
                const macros = new Set(items.map((item) => item.macro).filter(Boolean));
                let read = 0;
                for (const item of items.filter((i) => typeof i.condition === "string")) {
                    const refs = conditionReferences(item.condition);
                    expect(refs.errors, `${file} ${item.rule ?? item.macro}`).to.deep.equal([]);
                    for (const macro of refs.macros) {
                        expect(macros.has(macro), `${file} ${item.rule ?? item.macro}: ${macro}`).to.equal(true);
                    }
                    read++;
                }
                expect(read, file).to.be.greaterThan(80);
            }
        });
    });

    describe("the field list", () => {
        it("has only libsinsp fields that the upstream default rules (loaded by Falco 0.43) use", () => {
            for (const file of FALCO_RULES_FILES) {
                const text = readUpstreamText(file);
                for (const [field, provider] of Object.entries(FALCO_FIELDS)) {
                    if (provider !== "libsinsp") continue;
                    const used = new RegExp(`(^|[^\\w.])%?${field.replace(/\./g, "\\.")}(?![\\w.])`, "m").test(text);
                    expect(used, `${field} in ${file}`).to.equal(true);
                }
            }
        });

        it("loads the plugins the default rules require, and not the one k8s_audit_rules requires", () => {
            const requirementsOf = (file: string) => ({ name: file, text: YAML.stringify(readUpstreamYaml(file).filter((item: any) => item.required_plugin_versions)) });
            const noNames: LoadedNames = { rules: new Set(), macros: new Set(), lists: new Set() };
            for (const file of FALCO_RULES_FILES) {
                expect(rulesFileProblems([requirementsOf(file)], noNames), file).to.deep.equal([]);
            }
            expect(rulesFileProblems([requirementsOf("k8s_audit_rules-0.16.0.yaml")], noNames)[0]).to.match(/requires plugin k8saudit >= 0\.7\.0 or .*which is not loaded/);
        });

        it("relies on the container plugin, which the default rules require", () => {
            for (const file of FALCO_RULES_FILES) {
                const requirements = readUpstreamYaml(file).find((item: any) => item.required_plugin_versions);
                expect(requirements.required_plugin_versions.map((p: any) => p.name), file).to.include("container");
            }
        });
    });

    describe(`chart ${FALCO_CHART.version}`, () => {
        const chartDefaults = () => readUpstreamYaml(`falco-${FALCO_CHART.version}-values.yaml`);

        it("loads /etc/falco/rules.d after /etc/falco/falco_rules.yaml, so custom overrides resolve", () => {
            const rulesFiles: string[] = chartDefaults().falco.rules_files;
            expect(rulesFiles).to.include(RULES_MOUNT_PATH);
            expect(rulesFiles.indexOf("/etc/falco/falco_rules.yaml")).to.be.lessThan(rulesFiles.indexOf(RULES_MOUNT_PATH));
            expect(chartDefaults().customRules).to.deep.equal({});
        });

        it(`follows falco-rules:${CHART_DEFAULT_RULES_VERSION} by default, and runs the container plugin the program names`, () => {
            const falcoctl = chartDefaults().falcoctl;
            expect(falcoctl.config.artifact.install.refs).to.deep.equal([`falco-rules:${CHART_DEFAULT_RULES_VERSION}`]);
            expect(falcoctl.config.artifact.follow.refs).to.deep.equal([`falco-rules:${CHART_DEFAULT_RULES_VERSION}`]);
            expect(falcoctl.config.artifact.allowedTypes).to.include("plugin");
            expect(chartDefaults().collectors.containerEngine.pluginRef).to.equal(CONTAINER_PLUGIN_REF);
        });

        it("documents falco.yaml's rules selectors, which the program sets, in its values comments", () => {
            const text = readUpstreamText(`falco-${FALCO_CHART.version}-values.yaml`);
            for (const [keyPath, documented] of Object.entries(COMMENTED_VALUE_PATHS)) {
                expect(documented.test(text), keyPath).to.equal(true);
            }
        });

        it("reads every value path the rules add", () => {
            const config = parseStackConfig(homelabEngineConfig());
            const values = falcoValues(config, falcoRules(config, readRulesFolder()));
            const sidekickDefaults = readUpstreamYaml(`falcosidekick-${FALCO_CHART.sidekickChartVersion}-values.yaml`);
            expect(values.falco?.rules?.length).to.be.greaterThan(0);
            expect(unknownFalcoChartPaths(values as any, chartDefaults(), sidekickDefaults)).to.deep.equal([]);
        });
    });

    it("the homelab rules pass against names read straight from each upstream default ruleset", () => {
        const rules = falcoRules(parseStackConfig(homelabEngineConfig()), readRulesFolder());
        const files = Object.entries(rules.files).map(([name, text]) => ({ name, text }));
        for (const file of FALCO_RULES_FILES) {
            const names = namesOfRulesFile(readUpstreamText(file));
            const loaded: LoadedNames = { rules: new Set(names.rules), macros: new Set(names.macros), lists: new Set(names.lists) };
            expect(rulesFileProblems(files, loaded), file).to.deep.equal([]);
        }
    });
});
