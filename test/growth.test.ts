import { expect } from "chai";
import * as fs from "fs";
import { CUSTOM_RULE_COUNTS, Growth, GROWTH_RULES_FILE, growthTableMarkdown, measureGrowth, NODE_COUNTS } from "../scripts/bench/growth";
import { README_PATH, readmeSection } from "../scripts/docs";
import { homelabEngineConfig } from "./support/configFixtures";

/**
 * f grows linearly in n when the third point lies on the line through the first two,
 * within `tolerance` of its value (number formatting, e.g. longer digit strings, moves
 * bytes a little). A quadratic or exponential growth lands far above the line.
 */
function expectLinear(label: string, ns: readonly number[], fs_: number[], tolerance: number): void {
    const [n1, n2, n3] = ns;
    const [f1, f2, f3] = fs_;
    const predicted = f2 + ((f2 - f1) * (n3 - n2)) / (n2 - n1);
    expect(Math.abs(f3 - predicted), `${label}: ${fs_.join(", ")} at ${ns.join(", ")}; the line through the first two predicts ${predicted.toFixed(0)} at ${n3}`).to.be.at.most(
        tolerance * Math.max(f3, predicted),
    );
}

describe("growth: program evaluation and render size (counts and bytes, not time)", () => {
    // Evaluated once for every check here, the README's table included (its generated section is checked here,
    // not by the README test, so that the twelve-odd evaluations run once).
    let growth: Growth;
    before(async () => {
        growth = await measureGrowth(homelabEngineConfig());
    });

    describe("with the node count", () => {
        it("declares resources linearly in falco:nodes", () => {
            expectLinear("resources", NODE_COUNTS, growth.nodes.map((p) => p.resources), 0);
        });

        it("renders bytes linearly in falco:nodes", () => {
            expectLinear("render bytes", NODE_COUNTS, growth.nodes.map((p) => p.renderBytes), 0.02);
        });
    });

    describe("with the number of custom rules", () => {
        before(function () {
            if (growth.rules === undefined) {
                console.log(`      skipped: rules/ already holds ${growth.customRulesInFolder} custom rules, more than the smallest point (${CUSTOM_RULE_COUNTS[0]}); raise CUSTOM_RULE_COUNTS`);
                this.skip();
            }
        });

        it("leaves no generated rules file behind", () => {
            expect(fs.existsSync(GROWTH_RULES_FILE)).to.equal(false);
        });

        it("declares resources linearly in the number of custom rules", () => {
            expectLinear("resources", CUSTOM_RULE_COUNTS, growth.rules!.map((p) => p.resources), 0);
        });

        it("renders bytes linearly in the number of custom rules, and the rules are in the render", () => {
            const bytes = growth.rules!.map((p) => p.renderBytes);
            expectLinear("render bytes", CUSTOM_RULE_COUNTS, bytes, 0.02);
            // Each generated rule adds its text to the render: growth is real, not flat.
            expect((bytes[2] - bytes[1]) / (CUSTOM_RULE_COUNTS[2] - CUSTOM_RULE_COUNTS[1])).to.be.greaterThan(200);
        });
    });

    it("is what the README's growth table says (run `npm run docs` after a change)", () => {
        const readme = fs.readFileSync(README_PATH, "utf8");
        expect(readmeSection(readme, "growth"), "README.md lacks the growth markers").to.equal(growthTableMarkdown(growth));
    });
});
