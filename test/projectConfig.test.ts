import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { CONFIG_KEY_TYPES, CONFIG_KEYS, parseStackConfig } from "../components/config/stackConfig";
import { PROJECT_ROOT, resolveConfig } from "../scripts/mockRuntime";

describe("Pulumi.yaml configuration declarations", () => {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
    const declared = Object.keys(project.config).map((k) => k.replace(/^falco:/, ""));

    it("declare exactly the keys the program validates", () => {
        expect([...declared].sort()).to.deep.equal([...CONFIG_KEYS].sort());
    });

    it("give every key a type, a default and a description, with the type the program decodes", () => {
        for (const [key, declaration] of Object.entries<any>(project.config)) {
            expect(declaration, key).to.include.keys("type", "default", "description");
            expect(declaration.type, key).to.equal(CONFIG_KEY_TYPES[key.replace(/^falco:/, "") as keyof typeof CONFIG_KEY_TYPES]);
        }
    });

    it("have defaults that are themselves a valid configuration", () => {
        const emptyStack = path.join(PROJECT_ROOT, "test", "fixtures", "Pulumi.empty.yaml");
        expect(() => parseStackConfig(resolveConfig(emptyStack))).to.not.throw();
    });
});
