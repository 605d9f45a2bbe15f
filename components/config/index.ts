import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, StackConfig } from "./stackConfig";

/** Reads and validates the stack configuration the engine passed to this program. */
export function loadStackConfig(): StackConfig {
    return parseStackConfig(pulumi.runtime.allConfig());
}

export * from "./stackConfig";
