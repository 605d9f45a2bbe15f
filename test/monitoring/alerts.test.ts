import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { ALERT_NAMES, CRYPTOMINING_RULES, falcoAlertRuleGroups, PROMETHEUS_RULE_NAME, REVERSE_SHELL_RULES, RuleGroup, UPSTREAM_MATCHED_RULES } from "../../components/monitoring/alerts";
import { catalogueNames, falcoMetricPriority, METRICS, MetricCatalogue, sidekickMetricPriority } from "../../components/monitoring/metrics";
import { readRulesFolder } from "../../components/rules";
import { runProgram } from "../../scripts/mockRuntime";
import { homelabEngineConfig } from "../support/configFixtures";
import { promtool, requirePromtool } from "../support/promtool";
import { promqlErrors, promqlMetricNames } from "../support/queryParsers";
import { readUpstreamText, readUpstreamYaml, requireUpstream } from "../support/upstream";
import { promtoolTestFile } from "./alertScenarios";

/** The PrometheusRule exactly as the program declares it for the homelab stack. */
async function declaredRuleGroups(): Promise<RuleGroup[]> {
    const { resources } = await runProgram(homelabEngineConfig());
    const rule = resources.find((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(rule, "the program declares a PrometheusRule").to.not.equal(undefined);
    expect((rule!.inputs.metadata as any).name).to.equal(PROMETHEUS_RULE_NAME);
    return (rule!.inputs.spec as any).groups;
}

function writeRules(groups: RuleGroup[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "falco-rules-"));
    fs.writeFileSync(path.join(dir, "rules.yaml"), YAML.stringify({ groups }));
    fs.writeFileSync(path.join(dir, "tests.yaml"), YAML.stringify(promtoolTestFile("rules.yaml")));
    return dir;
}

describe("alert rules falco-security-alerts", () => {
    let groups: RuleGroup[];
    before(async () => {
        groups = await declaredRuleGroups();
    });
    const rules = () => groups.flatMap((g) => g.rules);

    it("hold exactly the eight alerts of the issue, with their severities", () => {
        const severities = Object.fromEntries(rules().map((r) => [r.alert, r.labels.severity]));
        expect(severities).to.deep.equal({
            FalcoCriticalSecurityEvent: "critical",
            FalcoReverseShellDetected: "critical",
            FalcoCryptominingDetected: "critical",
            FalcoErrorSecurityEvent: "warning",
            FalcoHighEventRate: "warning",
            FalcoDown: "warning",
            FalcoHighDropRate: "warning",
            FalcoNoEvents: "info",
        });
        expect(rules().map((r) => r.alert)).to.deep.equal([...ALERT_NAMES]);
    });

    it("give every alert a summary, a description and a runbook link into the README", () => {
        for (const rule of rules()) {
            expect(rule.annotations.summary, rule.alert).to.be.a("string").and.not.equal("");
            expect(rule.annotations.description, rule.alert).to.be.a("string").and.not.equal("");
            expect(rule.annotations.runbook_url, rule.alert).to.equal(`README.md#${rule.alert.toLowerCase()}`);
        }
    });

    it("parse with Prometheus' own PromQL parser and read only catalogued metrics", () => {
        const known = catalogueNames();
        for (const rule of rules()) {
            expect(promqlErrors(rule.expr), `${rule.alert}: ${rule.expr}`).to.deep.equal([]);
            const names = promqlMetricNames(rule.expr);
            expect(names.length, rule.alert).to.be.greaterThan(0);
            for (const name of names) {
                expect(known.has(name), `${rule.alert} reads ${name}, which is not in the metric catalogue`).to.equal(true);
            }
        }
    });

    it("map priorities to the numbers each exporter uses", () => {
        expect(falcoMetricPriority("emergency")).to.equal("0");
        expect(falcoMetricPriority("critical")).to.equal("2");
        expect(falcoMetricPriority("debug")).to.equal("7");
        expect(sidekickMetricPriority("debug")).to.equal("1");
        expect(sidekickMetricPriority("error")).to.equal("5");
        expect(sidekickMetricPriority("critical")).to.equal("6");
        expect(sidekickMetricPriority("emergency")).to.equal("8");
    });

    it("match custom rules that rules/ defines, at a priority the critical alert also sees", () => {
        const defined = new Map<string, string>();
        for (const file of readRulesFolder()) {
            for (const item of (YAML.parse(file.text) ?? []) as any[]) {
                if (item && typeof item.rule === "string" && item.override === undefined) defined.set(item.rule, String(item.priority).toLowerCase());
            }
        }
        const custom = [...REVERSE_SHELL_RULES, ...CRYPTOMINING_RULES].filter((r) => !(UPSTREAM_MATCHED_RULES as readonly string[]).includes(r));
        expect(custom.length).to.be.greaterThan(0);
        for (const name of custom) {
            expect(defined.get(name), `${name} is not a rule of rules/`).to.equal("critical");
        }
    });

    describe("against the upstream reference data", () => {
        it("catalogue only names Falco 0.43 and falcosidekick 2.32 export", function () {
            requireUpstream(this);
            const facts = readUpstreamText("README.md");
            for (const metric of Object.values(METRICS)) {
                if (metric.exporter === "falco" || metric.exporter === "falcosidekick") {
                    expect(facts.includes(`\`${metric.name}`), `${metric.name} is not among the upstream metric facts`).to.equal(true);
                }
            }
            // Names of the retired exporter and of old dashboards: never used.
            const all = rules().map((r) => r.expr).join("\n");
            for (const retired of ["falcosecurity_falco_n_evts_total", "falco_events"]) {
                expect(all.split(/[^A-Za-z0-9_]/).includes(retired), retired).to.equal(false);
            }
        });

        it("match upstream rule names that the default ruleset defines", function () {
            requireUpstream(this);
            const upstreamRules = new Set(
                (readUpstreamYaml("falco_rules-5.0.0.yaml") as any[]).filter((item) => item.rule).map((item) => item.rule as string),
            );
            for (const name of UPSTREAM_MATCHED_RULES) {
                expect(upstreamRules.has(name), name).to.equal(true);
            }
            const custom = [...REVERSE_SHELL_RULES, ...CRYPTOMINING_RULES].filter((r) => !(UPSTREAM_MATCHED_RULES as readonly string[]).includes(r));
            expect(custom).to.deep.equal(["Reverse Shell Detected", "Detect Cryptocurrency Mining"]);
        });
    });

    describe("with promtool", () => {
        it("pass `promtool check rules` as the program generates them", function () {
            requirePromtool(this);
            const dir = writeRules(groups);
            const result = promtool(["check", "rules", "rules.yaml"], dir);
            expect(result.status, result.stdout + result.stderr).to.equal(0);
            expect(result.stdout).to.contain(`SUCCESS: ${ALERT_NAMES.length} rules found`);
        });

        it("pass `promtool test rules`: each alert fires on its scenario after its `for`, and none on a healthy cluster", function () {
            requirePromtool(this);
            const dir = writeRules(groups);
            const result = promtool(["test", "rules", "tests.yaml"], dir);
            expect(result.status, result.stdout + result.stderr).to.equal(0);
            expect(result.stdout).to.contain("SUCCESS");
        });

        it("fail `promtool test rules` when the rules read a metric name that does not exist", function () {
            requirePromtool(this);
            // Names seen in old dashboards: the falco-exporter's and Falco's pre-0.38 ones.
            const wrong: MetricCatalogue = {
                ...METRICS,
                sidekickEvents: { ...METRICS.sidekickEvents, name: "falco_events" },
                syscallEvents: { ...METRICS.syscallEvents, name: "falcosecurity_falco_n_evts_total" },
            };
            const broken = falcoAlertRuleGroups({ namespace: "falco", daemonSetName: "falco", runbookBaseUrl: "README.md" }, wrong);
            const dir = writeRules(broken);
            expect(promtool(["check", "rules", "rules.yaml"], dir).status, "a wrong name is still valid PromQL").to.equal(0);
            const result = promtool(["test", "rules", "tests.yaml"], dir);
            expect(result.status).to.not.equal(0);
            expect(result.stdout + result.stderr).to.contain("alertname: FalcoCriticalSecurityEvent");
            expect(result.stdout + result.stderr).to.contain("alertname: FalcoHighDropRate");
        });
    });
});
