import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FALCO_DRIVER_LOADER_IMAGE, FALCO_IMAGE } from "../../components/falcoValues";
import { UserInputError } from "../../components/config/errors";
import { parseStackConfig } from "../../components/config/stackConfig";
import { PROJECT_ROOT, resolveConfig } from "../../scripts/mockRuntime";

/** The engine-form configuration of the homelab stack, as the CLI would pass it. */
export function homelabEngineConfig(): Record<string, string> {
    return resolveConfig(path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"));
}

/** The homelab configuration with some keys replaced (values in YAML/JSON form) or removed (undefined). */
export function homelabWith(overrides: Record<string, unknown>): Record<string, string> {
    const config = homelabEngineConfig();
    for (const [key, value] of Object.entries(overrides)) {
        const fullKey = key.includes(":") ? key : `falco:${key}`;
        if (value === undefined) {
            delete config[fullKey];
        } else {
            config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return config;
}

/** A deep copy of a homelab object-valued key, for editing one field. */
export function homelabObject(key: string): any {
    return JSON.parse(homelabEngineConfig()[`falco:${key}`]);
}

/** The problems validation reports for a configuration; fails the test when it is accepted. */
export function configProblems(raw: Record<string, string>): string[] {
    try {
        parseStackConfig(raw);
    } catch (err) {
        expect(UserInputError.isUserInputError(err), String(err)).to.equal(true);
        return [...(err as UserInputError).problems];
    }
    expect.fail("configuration was accepted");
}

/**
 * A folder with the homelab's constraints, but with the driver loader's image exempt from the
 * privileged-container constraint too: what a cluster that allows kmod would have.
 */
export function constraintsExemptingDriverLoader(): string {
    const homelab = fs.readFileSync(path.join(PROJECT_ROOT, "policies", "constraints", "homelab.yaml"), "utf8");
    const widened = homelab.replace(`exemptImages: ["${FALCO_IMAGE}"]`, `exemptImages: ["${FALCO_IMAGE}", "${FALCO_DRIVER_LOADER_IMAGE}"]`);
    expect(widened, "the homelab constraints no longer name Falco's image as their only exemption").to.not.equal(homelab);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gk-kmod-"));
    fs.writeFileSync(path.join(dir, "homelab-kmod.yaml"), widened);
    return dir;
}
