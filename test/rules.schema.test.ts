import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { RULES_DIR } from "../components/rules";
import { FALCO_RULES_SCHEMA } from "../components/rules/schema";
import { draft06Ajv } from "../components/rules/draft06Ajv";
import { validateFalcoRules } from "../components/rules/falcoRulesSchemaValidator";
import { UPSTREAM_RULES_FILES } from "../scripts/generateRuleNames";
import { readUpstreamText, readUpstreamYaml, requireUpstream } from "./support/upstream";

/**
 * The program's rules schema (components/rules/schema.ts) must accept and
 * refuse exactly what Falco 0.43's own schema does. Both are compiled with
 * ajv and run on a corpus: every upstream rules file and each of its items,
 * the project's rules and fixtures, and one-key mutations of a valid rule
 * covering every property with values of every JSON type.
 */
function corpus(upstreamSchema: any): Array<{ label: string; document: unknown }> {
    const documents: Array<{ label: string; document: unknown }> = [];
    for (const { file } of UPSTREAM_RULES_FILES) {
        const items = readUpstreamYaml(file) as unknown[];
        documents.push({ label: file, document: items });
        items.forEach((item, i) => documents.push({ label: `${file}[${i}]`, document: [item] }));
    }
    const fixtures = path.join(__dirname, "fixtures", "rules");
    for (const dir of [RULES_DIR, fixtures]) {
        for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".yaml"))) {
            documents.push({ label: name, document: YAML.parse(fs.readFileSync(path.join(dir, name), "utf8")) });
        }
    }
    const samples: unknown[] = ["x", "CRITICAL", "critical", "INFO", "append", "replace", 0, 7, 1.5, true, null, [], ["s"], [1], [1.5], [true], [{}], [["a"]], {}, { name: "n" }, { name: "n", version: "1" }];
    const ruleKeys = new Set([...Object.keys(upstreamSchema.definitions.FalcoRule.properties), ...Object.keys(FALCO_RULES_SCHEMA.definitions.item.properties), "unknown_key"]);
    const base = { rule: "r", desc: "d", condition: "c", output: "o", priority: "INFO" };
    for (const key of ruleKeys) {
        for (const value of samples) {
            documents.push({ label: `${key}=${JSON.stringify(value)}`, document: [{ ...base, [key]: value }] });
        }
    }
    const overrideKeys = [...Object.keys(upstreamSchema.definitions.Override.properties), "tags", "unknown_key"];
    for (const key of overrideKeys) {
        for (const value of ["append", "replace", "APPEND", "x", 1, true, null]) {
            documents.push({ label: `override.${key}=${JSON.stringify(value)}`, document: [{ rule: "r", [key]: "v", override: { [key]: value } }] });
        }
    }
    documents.push({ label: "override={}", document: [{ rule: "r", override: {} }] });
    for (const exception of [{}, { name: "e" }, { name: 1 }, { name: "e", fields: "proc.name", comps: "in", values: ["a"] }, { name: "e", fields: [], comps: [], values: [[]] }, { name: "e", extra: 1 }]) {
        documents.push({ label: `exception ${JSON.stringify(exception)}`, document: [{ ...base, exceptions: [exception] }] });
    }
    for (const requirement of [
        { name: "container", version: "0.4.0" },
        { name: "container" },
        { version: "1" },
        { name: "k8saudit", version: "0.7.0", alternatives: [{ name: "k8saudit-eks", version: "0.4.0" }] },
        { name: "k8saudit", version: "0.7.0", alternatives: [{ name: "k8saudit-eks" }] },
        { name: "k8saudit", version: "0.7.0", alternatives: [{ name: "a", version: "1", extra: 1 }] },
        { name: "k8saudit", version: "0.7.0", alternatives: {} },
        { name: "container", version: 4 },
        { name: "container", version: "0.4.0", extra: true },
    ]) {
        documents.push({ label: `requirement ${JSON.stringify(requirement)}`, document: [{ required_plugin_versions: [requirement] }] });
    }
    for (const document of [{}, "x", null, 1, [], [[]], ["x"], [null], [{}]]) {
        documents.push({ label: `document ${JSON.stringify(document)}`, document });
    }
    return documents;
}

describe("the program's Falco rules schema", () => {
    it("accepts and refuses exactly what Falco 0.43's rules schema does", function () {
        requireUpstream(this);
        const upstreamSchema = JSON.parse(readUpstreamText("falco-rules-schema.json"));
        const ajv = draft06Ajv();
        const upstream = ajv.compile(upstreamSchema);
        const ours = draft06Ajv().compile(FALCO_RULES_SCHEMA);
        const documents = corpus(upstreamSchema);
        const disagreements = documents.filter(({ document }) => upstream(document) !== ours(document)).map(({ label }) => label);
        expect(disagreements).to.deep.equal([]);
        const accepted = documents.filter(({ document }) => upstream(document)).length;
        // A corpus that only passes, or only fails, would prove nothing.
        expect(accepted).to.be.greaterThan(300);
        expect(documents.length - accepted).to.be.greaterThan(200);
    });

    it("is checked at start-up by its precompiled validator, with the same verdicts and errors as ajv compiling it", function () {
        requireUpstream(this);
        const ours = draft06Ajv().compile(FALCO_RULES_SCHEMA);
        const documents = corpus(JSON.parse(readUpstreamText("falco-rules-schema.json")));
        const differences = documents
            .filter(({ document }) => ours(document) !== validateFalcoRules(document) || JSON.stringify(ours.errors) !== JSON.stringify(validateFalcoRules.errors))
            .map(({ label }) => label);
        expect(differences).to.deep.equal([]);
    });
});
