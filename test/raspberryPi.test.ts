import { expect } from "chai";
import { parseStackConfig } from "../components/config";
import { falcoValues } from "../components/falcoValues";
import { homelabEngineConfig, homelabObject, homelabWith } from "./support/configFixtures";
import { readUpstreamYaml, requireUpstream } from "./support/upstream";

/** The configuration way outs the README's "Raspberry Pi 5 notes" give. */
describe("Raspberry Pi 5 way outs in the configuration", () => {
    it("defaults the redis image to the chart's own redis-stack", function () {
        requireUpstream(this);
        const upstream = readUpstreamYaml("falcosidekick-0.12.1-values.yaml").webui.redis.image;
        const values = falcoValues(parseStackConfig(homelabEngineConfig()));
        expect(values.falcosidekick.webui.redis.image).to.deep.equal({ registry: upstream.registry, repository: upstream.repository, tag: upstream.tag });
    });

    it("passes another redis image (e.g. one built for 16K pages) to the chart", () => {
        const image = { registry: "ghcr.io", repository: "example/redis-16k", tag: "8.2.1" };
        const values = falcoValues(parseStackConfig(homelabWith({ redisImage: image })));
        expect(values.falcosidekick.webui.redis.image).to.deep.equal(image);
    });

    it("offers the drivers that do not need kernel BTF", () => {
        for (const kind of ["kmod", "ebpf"]) {
            const values = falcoValues(parseStackConfig(homelabWith({ driver: { ...homelabObject("driver"), kind } })));
            expect(values.driver.kind).to.equal(kind);
        }
    });
});
