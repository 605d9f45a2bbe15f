import { expect } from "chai";
import * as fs from "fs";
import { GENERATED_SECTIONS, README_PATH, readmeSection } from "../scripts/docs";

describe("README generated sections", () => {
    const readme = fs.readFileSync(README_PATH, "utf8");
    // test/growth.test.ts checks the growth table with the evaluations it makes anyway (a dozen program runs).
    const checkedElsewhere = ["growth"];
    for (const [name, build] of Object.entries(GENERATED_SECTIONS).filter(([name]) => !checkedElsewhere.includes(name))) {
        it(`${name} matches the data it is generated from (run \`npm run docs\` after a change)`, async () => {
            expect(readmeSection(readme, name), `README.md lacks the ${name} markers`).to.not.equal(undefined);
            expect(readmeSection(readme, name)).to.equal((await build()).trim());
        });
    }

    it("holds exactly two commands in its quick start", () => {
        const quickStart = readme.split(/^## /m).find((s) => s.startsWith("Quick start"))!;
        const commands = quickStart.match(/```(?:sh|bash)\n([\s\S]*?)```/g) ?? [];
        const lines = commands.flatMap((block) => block.split("\n").filter((l) => l && !l.startsWith("```") && !l.startsWith("#")));
        expect(lines).to.deep.equal(["npm ci && npm run render", "npm test"]);
    });
});
