import { expect } from "chai";
import * as path from "path";
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
