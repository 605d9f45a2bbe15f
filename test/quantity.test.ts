import { expect } from "chai";
import { explicitPort } from "../components/config/url";
import { compareQuantities, formatBytes, parseQuantity, parseRedisMemory, quantityToNumber } from "../components/config/quantity";

describe("Kubernetes quantities", () => {
    const value = (text: string) => {
        const q = parseQuantity(text);
        expect(q, text).to.not.equal(undefined);
        return quantityToNumber(q!);
    };

    it("parses binary, decimal, milli and exponent suffixes", () => {
        expect(value("1Ki")).to.equal(1024);
        expect(value("2Gi")).to.equal(2 * 2 ** 30);
        expect(value("500m")).to.equal(0.5);
        expect(value("1.5")).to.equal(1.5);
        expect(value("1k")).to.equal(1000);
        expect(value("1M")).to.equal(1e6);
        expect(value("2e3")).to.equal(2000);
        expect(value("1E-3")).to.equal(0.001);
        expect(value(".5Gi")).to.equal(2 ** 29);
        expect(value("1.")).to.equal(1);
    });

    it("compares exactly at inclusive boundaries", () => {
        const cmp = (a: string, b: string) => compareQuantities(parseQuantity(a)!, parseQuantity(b)!);
        expect(cmp("2Gi", "2048Mi")).to.equal(0);
        expect(cmp("2049Mi", "2Gi")).to.equal(1);
        expect(cmp("0.1", "100m")).to.equal(0);
        expect(cmp("2G", "2Gi")).to.equal(-1);
        expect(cmp("1000m", "1")).to.equal(0);
    });

    it("refuses what the Kubernetes grammar refuses", () => {
        for (const bad of ["", "1GB", "1gi", "Gi", "1 Gi", "abc", "1.2.3", "1e", "--1", "1KiB", "0x10"]) {
            expect(parseQuantity(bad), bad).to.equal(undefined);
        }
    });

    it("reads redis memory units, where mb is 1024-based and m 1000-based", () => {
        expect(quantityToNumber(parseRedisMemory("1000mb")!)).to.equal(1000 * 2 ** 20);
        expect(quantityToNumber(parseRedisMemory("1000m")!)).to.equal(1e9);
        expect(quantityToNumber(parseRedisMemory("1GB")!)).to.equal(2 ** 30);
        expect(quantityToNumber(parseRedisMemory("1024")!)).to.equal(1024);
        expect(parseRedisMemory("1000Mi")).to.equal(undefined);
        expect(parseRedisMemory("1.5gb")).to.equal(undefined);
    });

    it("formats bytes in the largest exact binary unit", () => {
        expect(formatBytes(parseQuantity("2048Mi")!)).to.equal("2Gi");
        expect(formatBytes(parseQuantity("1536Mi")!)).to.equal("1536Mi");
    });
});

describe("explicit URL ports", () => {
    it("reads written ports, default ports included, and nothing else", () => {
        expect(explicitPort("http://loki:3100")).to.equal(3100);
        expect(explicitPort("http://loki:80")).to.equal(80);
        expect(explicitPort("https://am:443")).to.equal(443);
        expect(explicitPort("http://loki")).to.equal(undefined);
        expect(explicitPort("https://am:80")).to.equal(80);
        expect(explicitPort("not a url")).to.equal(undefined);
    });
});
