import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { UserInputError } from "../components/config/errors";
import { jsYaml } from "../components/jsYaml";
import { parseStackConfig } from "../components/config/stackConfig";
import { falcoValues, mergeValues } from "../components/falcoValues";
import { falcoRules, readRulesFolder, RULES_DIR, TUNING_FILE } from "../components/rules";
import { loadedUpstreamNames, rulesSources } from "../components/rules/rulesSources";
import { RulesFile, rulesFileProblems } from "../components/rules/validate";
import { homelabEngineConfig, homelabWith } from "./support/configFixtures";

const FIXTURES = path.join(__dirname, "fixtures", "rules");
const fixture = (name: string): RulesFile => ({ name, text: fs.readFileSync(path.join(FIXTURES, name), "utf8") });
const loaded = loadedUpstreamNames(rulesSources("5.1.0"));
const problemsOf = (...files: RulesFile[]) => rulesFileProblems(files, loaded);
const inline = (text: string): RulesFile => ({ name: "inline.yaml", text });

/** The error falcoRules throws, for checking its message. */
function rulesError(config: { rulesVersion: string; disabledRules: string[] }, files: RulesFile[]): UserInputError {
    try {
        falcoRules(config, files);
    } catch (err) {
        if (UserInputError.isUserInputError(err)) return err;
        throw err;
    }
    throw new Error("falcoRules accepted the rules");
}

describe("Falco rules", () => {
    const homelab = parseStackConfig(homelabEngineConfig());

    describe("the homelab rules folder", () => {
        it("passes every check against the pinned and the floating ruleset", () => {
            for (const rulesVersion of ["5.1.0", "5.0.0", "5"]) {
                const rules = falcoRules({ ...homelab, rulesVersion }, readRulesFolder());
                expect(Object.keys(rules.files)).to.deep.equal(["10-homelab-detections.yaml", TUNING_FILE]);
            }
        });

        it("parses each delivered file once, for the custom rule names and every check alike", () => {
            const parsedTexts: string[] = [];
            const load = jsYaml.load;
            jsYaml.load = (text, options) => {
                parsedTexts.push(text);
                return load(text, options);
            };
            let rules: ReturnType<typeof falcoRules>;
            try {
                rules = falcoRules(homelab, readRulesFolder());
            } finally {
                jsYaml.load = load;
            }
            expect(parsedTexts.sort()).to.deep.equal(Object.values(rules.files).sort());
        });

        it("defines both custom rules at CRITICAL, with MITRE tags, container and k8s context, and exceptions", () => {
            const items = YAML.parse(fs.readFileSync(path.join(RULES_DIR, "10-homelab-detections.yaml"), "utf8"));
            const rule = (name: string) => items.find((i: any) => i.rule === name);
            for (const name of ["Detect Cryptocurrency Mining", "Reverse Shell Detected"]) {
                expect(rule(name), name).to.not.equal(undefined);
                expect(rule(name).priority).to.equal("CRITICAL");
                expect(rule(name).tags.some((t: string) => t.startsWith("mitre_")), name).to.equal(true);
                expect(rule(name).tags.some((t: string) => /^T\d{4}/.test(t)), name).to.equal(true);
                for (const field of ["%container.id", "%container.name", "%container.image.repository", "%k8s.ns.name", "%k8s.pod.name"]) {
                    expect(rule(name).output, `${name} output`).to.contain(field);
                }
                expect(rule(name).exceptions.length, name).to.be.greaterThan(0);
            }
            // The miners are a list, not literals in the condition.
            expect(items.find((i: any) => i.list === "homelab_crypto_miner_process_names").items).to.deep.equal(["xmrig", "minerd", "minergate"]);
            expect(rule("Detect Cryptocurrency Mining").condition).to.not.match(/xmrig/);
            expect(items.find((i: any) => i.macro === "homelab_shell_network_redirection").condition).to.contain('"/dev/tcp"');
        });

        it("disables the homelab's noisy rules: an override for the loaded one, a falco.yaml selector for the k8saudit one", () => {
            const rules = falcoRules(homelab, readRulesFolder());
            expect(rules.tuning.overridden).to.deep.equal(["Terminal shell in container"]);
            expect(rules.tuning.selected).to.deep.equal([{ rule: "Attach/Exec Pod", ruleset: "k8s_audit_rules", version: "0.16.0", plugin: "k8saudit" }]);
            expect(YAML.parse(rules.files[TUNING_FILE])).to.deep.equal([
                { rule: "Terminal shell in container", enabled: false, override: { enabled: "replace" } },
            ]);
            expect(rules.selectors).to.deep.equal([{ disable: { rule: "Attach/Exec Pod" } }]);
        });

        it("reach the chart values: customRules (mounted at /etc/falco/rules.d), falcoctl refs, plugin and selectors", () => {
            const values = falcoValues(homelab, falcoRules(homelab, readRulesFolder()));
            expect(Object.keys(values.customRules!)).to.deep.equal(["10-homelab-detections.yaml", TUNING_FILE]);
            expect(values.customRules!["10-homelab-detections.yaml"]).to.equal(fs.readFileSync(path.join(RULES_DIR, "10-homelab-detections.yaml"), "utf8"));
            expect(values.falcoctl!.config.artifact.install.refs).to.deep.equal(["falco-rules:5.1.0", "ghcr.io/falcosecurity/plugins/plugin/container:0.6.1"]);
            expect(values.falcoctl!.config.artifact.follow.refs).to.deep.equal([]);
            expect(values.falcoctl!.artifact.follow.enabled).to.equal(false);
            expect(values.collectors!.containerEngine.pluginRef).to.equal("ghcr.io/falcosecurity/plugins/plugin/container:0.6.1");
            expect(values.falco!.rules).to.deep.equal([{ disable: { rule: "Attach/Exec Pod" } }]);
            // The rest of the values is untouched by the rules.
            expect(values.driver).to.deep.equal(falcoValues(homelab).driver);
        });

        it("merge into the other values without dropping a sibling, and refuse to set a value twice", () => {
            const base = { falcoctl: { artifact: { install: { securityContext: { runAsNonRoot: true } } } }, driver: { kind: "x" } };
            const merged = mergeValues(base, { falcoctl: { artifact: { follow: { enabled: false } } } });
            expect(merged).to.deep.equal({ falcoctl: { artifact: { install: { securityContext: { runAsNonRoot: true } }, follow: { enabled: false } } }, driver: { kind: "x" } });
            expect(() => mergeValues(base, { driver: { kind: "y" } })).to.throw("internal error: chart value driver.kind is set twice");
        });

        it("follow the floating tag like the chart when falco:rulesVersion is 5", () => {
            const config = parseStackConfig(homelabWith({ rulesVersion: "5" }));
            const values = falcoValues(config, falcoRules(config, readRulesFolder()));
            expect(values.falcoctl!.config.artifact.install.refs[0]).to.equal("falco-rules:5");
            expect(values.falcoctl!.config.artifact.follow.refs).to.deep.equal(["falco-rules:5"]);
            expect(values.falcoctl!.artifact.follow.enabled).to.equal(true);
            expect(rulesSources("5").validatedAgainst).to.deep.equal(["5.0.0", "5.1.0"]);
        });

        it("refuses a rules version it carries no names for", () => {
            expect(() => parseStackConfig(homelabWith({ rulesVersion: "5.9.0" }))).to.throw(/falco:rulesVersion: "5\.9\.0" is not accepted; accepted: 5, 5\.0\.0, 5\.1\.0/);
        });
    });

    describe("refuses what would stop Falco from starting, naming file, item and problem", () => {
        it("an override of a rule that is not loaded (dangling override)", () => {
            expect(problemsOf(fixture("dangling-override.yaml"))).to.deep.equal([
                'dangling-override.yaml: rule "Attach/Exec Pod": override of a rule that is not loaded before it: Falco 0.43 refuses to start ("no rule by that name already exists")',
            ]);
        });

        it("an unknown macro", () => {
            expect(problemsOf(fixture("unknown-macro.yaml"))).to.deep.equal([
                'unknown-macro.yaml: rule "Miner With Typo": unknown macro "spawned_proces": it is not defined in the custom rules nor in the upstream rules that will be loaded',
            ]);
        });

        it("a priority that is not a Falco priority", () => {
            expect(problemsOf(fixture("bad-priority.yaml"))).to.deep.equal([
                'bad-priority.yaml: rule "Miner Too Loud": priority "SEVERE" is not a Falco priority; accepted (any case): emergency, alert, critical, error, warning, notice, informational, debug, info',
            ]);
        });

        it("a schema violation", () => {
            expect(problemsOf(fixture("schema-violation.yaml"))).to.deep.equal([
                'schema-violation.yaml: rule "Miner Tags Wrong": schema violation: must NOT have additional properties ("severity")',
                'schema-violation.yaml: rule "Miner Tags Wrong": schema violation at tags: must be array',
            ]);
        });

        it("an unknown field, in a condition and in an output", () => {
            expect(problemsOf(fixture("unknown-field.yaml"))).to.deep.equal([
                'unknown-field.yaml: rule "Miner Wrong Field": unknown field "proc.nam"; accepted: a Falco field from the project\'s field list (components/rules/fields.ts)',
                'unknown-field.yaml: rule "Miner Wrong Field": unknown field "container.imagee"; accepted: a Falco field from the project\'s field list (components/rules/fields.ts)',
            ]);
        });

        it("through falcoRules, as one UserInputError that names the rules folder file", () => {
            const err = rulesError({ rulesVersion: "5.1.0", disabledRules: [] }, [fixture("unknown-macro.yaml")]);
            expect(err.message).to.match(/^invalid Falco rules \(checked against falco_rules 5\.1\.0\):\n  - rules\/unknown-macro\.yaml: rule "Miner With Typo": unknown macro "spawned_proces"/);
        });

        it("a file that is not YAML, or not a list", () => {
            expect(problemsOf(inline("- rule: [unclosed\n"))).to.deep.equal(["inline.yaml: not valid YAML: unexpected end of the stream within a flow collection (line 2, column 1)"]);
            expect(problemsOf(inline("rule: x\n"))).to.deep.equal(["inline.yaml: the file: schema violation: must be array"]);
        });

        it("a key given twice in one item, naming the file and the line", () => {
            const twice = "- rule: Miner Twice\n  priority: CRITICAL\n  priority: DEBUG\n";
            expect(problemsOf(inline(twice))).to.deep.equal(["inline.yaml: not valid YAML: duplicated mapping key (line 3, column 3)"]);
            expect(rulesError({ rulesVersion: "5.1.0", disabledRules: [] }, [{ name: "twice.yaml", text: twice }]).problems).to.deep.equal([
                "rules/twice.yaml: not valid YAML: duplicated mapping key (line 3, column 3)",
            ]);
        });

        it("deprecated forms: append, standalone enabled, redefinition of a loaded rule or macro", () => {
            expect(problemsOf(inline("- macro: container\n  condition: and proc.name = x\n  append: true\n"))).to.include(
                'inline.yaml: macro "container": \'append\' is deprecated in Falco 0.43; accepted: override: { <key>: append }',
            );
            expect(problemsOf(inline("- rule: Terminal shell in container\n  enabled: false\n"))).to.deep.equal([
                'inline.yaml: rule "Terminal shell in container": redefines a loaded rule; accepted: override: { <key>: replace | append } (redefinition is the deprecated form)',
            ]);
            expect(problemsOf(inline("- macro: user_expected_terminal_shell_in_container_conditions\n  condition: (always_true)\n"))[0]).to.match(/redefines a loaded macro/);
        });

        it("override entries that do not match the item's keys", () => {
            expect(problemsOf(inline("- rule: Terminal shell in container\n  enabled: false\n  override:\n    condition: replace\n"))).to.deep.equal([
                'inline.yaml: rule "Terminal shell in container": override.condition is set but the item has no condition',
                'inline.yaml: rule "Terminal shell in container": enabled is set without an override.enabled entry',
            ]);
            expect(problemsOf(inline("- list: shell_binaries\n  items: [zsh]\n  override:\n    items: append\n"))).to.deep.equal([]);
        });

        it("an override that comes before the custom rule it targets", () => {
            const overrideFirst = { name: "05-tuning.yaml", text: "- rule: Homelab Rule\n  enabled: false\n  override:\n    enabled: replace\n" };
            const definition = { name: "10-rules.yaml", text: "- rule: Homelab Rule\n  desc: d\n  condition: spawned_process\n  output: o %proc.name\n  priority: info\n" };
            expect(problemsOf(overrideFirst, definition)[0]).to.match(/^05-tuning\.yaml: rule "Homelab Rule": override of a rule that is not loaded before it/);
            expect(problemsOf(definition, { ...overrideFirst, name: "90-tuning.yaml" })).to.deep.equal([]);
        });

        it("an unknown list, and inline bare literals (which Falco would read as a list name)", () => {
            expect(problemsOf(inline("- macro: m\n  condition: proc.name in (homelab_miners, \"quoted\")\n"))).to.deep.equal([
                'inline.yaml: macro "m": unknown list "homelab_miners"; accepted: a list defined in the custom rules or the loaded upstream rules (quote literal values)',
            ]);
            expect(problemsOf(inline("- macro: m\n  condition: proc.name in (shell_binaries, \"xmrig\")\n"))).to.deep.equal([]);
        });

        it("a condition that does not parse, and a new rule without its required keys", () => {
            expect(problemsOf(inline("- macro: m\n  condition: proc.name = \n"))).to.deep.equal(['inline.yaml: macro "m": condition does not parse: expected a value but found the end']);
            expect(problemsOf(inline("- rule: R\n  condition: spawned_process\n"))).to.deep.equal(['inline.yaml: rule "R": a new rule needs desc, output, priority']);
        });

        it("exceptions whose fields, comps or values do not fit", () => {
            const rule = (exceptions: string) =>
                `- rule: R\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n  exceptions:\n${exceptions}`;
            expect(problemsOf(inline(rule("    - name: e\n      fields: [proc.name, proc.nam]\n      comps: [=, like]\n      values: [[a]]\n")))).to.deep.equal([
                'inline.yaml: rule "R": exception "e": unknown field "proc.nam"; accepted: a Falco field from the project\'s field list (components/rules/fields.ts)',
                'inline.yaml: rule "R": exception "e": comps ["=","like"] not accepted; accepted: =, !=, <, <=, >, >=, contains, icontains, bcontains, startswith, bstartswith, endswith, glob, iglob, in, intersects, pmatch',
                'inline.yaml: rule "R": exception "e": values[0] must be a list of 2 values, one per field',
            ]);
            expect(problemsOf(inline(rule("    - name: e\n      fields: proc.name\n      comps: in\n      values: [a, b]\n")))).to.deep.equal([]);
        });

        it("a plugin requirement this Falco does not load, and a rule for an event source it does not have", () => {
            expect(problemsOf(inline("- required_plugin_versions:\n    - name: k8saudit\n      version: 0.7.0\n      alternatives:\n        - name: k8saudit-eks\n          version: 0.4.0\n"))).to.deep.equal([
                "inline.yaml: item 1: requires plugin k8saudit >= 0.7.0 or k8saudit-eks >= 0.4.0, which is not loaded: Falco 0.43 refuses to start; loaded plugins: container 0.6.1",
            ]);
            expect(problemsOf(inline("- required_plugin_versions:\n    - name: container\n      version: 0.7.0\n"))[0]).to.match(/requires plugin container >= 0\.7\.0, which is not loaded/);
            expect(problemsOf(inline("- required_plugin_versions:\n    - name: container\n      version: 0.4.0\n"))).to.deep.equal([]);
            expect(problemsOf(inline("- rule: R\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n  source: k8s_audit\n"))).to.deep.equal([
                'inline.yaml: rule "R": source "k8s_audit" is not loaded here, so Falco would skip the rule; accepted: syscall',
            ]);
        });

        it("reads YAML 1.2's core schema, as Falco does: a date-like list item stays a string", () => {
            expect(problemsOf(inline("- list: homelab_maintenance_days\n  items: [2024-01-01, 2024-07-01]\n"))).to.deep.equal([]);
        });

        it("accepts priorities in any case, and info", () => {
            for (const priority of ["critical", "Critical", "INFO", "info", "informational", "DEBUG"]) {
                const text = `- rule: R\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: ${priority}\n`;
                expect(problemsOf(inline(text)), priority).to.deep.equal([]);
            }
        });
    });

    describe("tuning from falco:disabledRules", () => {
        it("refuses a name that no known ruleset defines, naming the key", () => {
            const err = rulesError({ rulesVersion: "5.1.0", disabledRules: ["Terminal shell in container", "Terminal Shell In Container"] }, readRulesFolder());
            expect(err.problems).to.deep.equal([
                'falco:disabledRules[1]: "Terminal Shell In Container" is not a rule of the loaded default ruleset, of the custom rules or of k8s_audit_rules; accepted: the exact name of a rule (names are case-sensitive)',
            ]);
        });

        it("can disable a custom rule (the tuning file loads after the rules folder)", () => {
            const rules = falcoRules({ rulesVersion: "5.1.0", disabledRules: ["Reverse Shell Detected"] }, readRulesFolder());
            expect(rules.tuning.overridden).to.deep.equal(["Reverse Shell Detected"]);
        });

        it("writes the tuning file with each rule name on one line, however long", () => {
            const name = "Homelab shell spawned by a web server process in a container that should never need one";
            const custom = { name: "20-long-name.yaml", text: `- rule: ${name}\n  desc: x\n  condition: spawned_process\n  output: "%proc.name"\n  priority: WARNING\n` };
            const rules = falcoRules({ rulesVersion: "5.1.0", disabledRules: [name] }, [custom]);
            expect(rules.files[TUNING_FILE]).to.equal(
                [
                    "# Generated by the Pulumi program from falco:disabledRules: do not edit.",
                    `- rule: ${name}`,
                    "  enabled: false",
                    "  override:",
                    "    enabled: replace",
                    "",
                ].join("\n"),
            );
        });

        it("refuses wildcards and duplicates", () => {
            const err = rulesError({ rulesVersion: "5.1.0", disabledRules: ["Terminal*", "Attach/Exec Pod", "Attach/Exec Pod"] }, []);
            expect(err.problems).to.deep.equal([
                'falco:disabledRules[0]: "Terminal*" contains a wildcard; accepted: the exact name of one rule',
                'falco:disabledRules[2]: "Attach/Exec Pod" is listed twice',
            ]);
        });

        it("emits no tuning file and no selectors when nothing is disabled", () => {
            const rules = falcoRules({ rulesVersion: "5.1.0", disabledRules: [] }, readRulesFolder());
            expect(Object.keys(rules.files)).to.deep.equal(["10-homelab-detections.yaml"]);
            expect(falcoValues(homelab, rules).falco).to.equal(undefined);
        });

        it("refuses rules-folder file names the chart or Falco would not take", () => {
            const err = rulesError({ rulesVersion: "5.1.0", disabledRules: [] }, [{ name: "my rules.yaml", text: "[]" }, { name: TUNING_FILE, text: "[]" }]);
            expect(err.problems).to.deep.equal([
                "rules/my rules.yaml: not accepted as a file name; accepted: letters, digits, '-', '_', '.' ending in .yaml or .yml",
                `rules/${TUNING_FILE}: this name is reserved for the file generated from falco:disabledRules`,
            ]);
        });
    });
});
