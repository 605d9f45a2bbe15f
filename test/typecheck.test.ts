import { expect } from "chai";
import { startTypecheck } from "./support/typecheck";

// Started as mocha loads this file, before any test runs; awaited by the test below.
const typecheck = startTypecheck();

describe("type-checking: tsc --noEmit over the project, beside the other tests", () => {
    it("finds no type error", async function () {
        this.timeout(180_000);
        const { status, output } = await typecheck;
        expect(status, `tsc --noEmit:\n${output}`).to.equal(0);
    });
});
