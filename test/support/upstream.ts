/**
 * Access to ../shared/upstream, the exact upstream reference files. They exist
 * on the developers' and CI machines, not on a user's: tests that need them
 * call `requireUpstream(this)`, which skips with a printed reason when absent.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { PROJECT_ROOT } from "../../scripts/mockRuntime";

export const UPSTREAM_DIR = path.resolve(PROJECT_ROOT, "..", "shared", "upstream");

export function upstreamAvailable(): boolean {
    return fs.existsSync(path.join(UPSTREAM_DIR, "README.md"));
}

export function requireUpstream(context: Mocha.Context): void {
    if (!upstreamAvailable()) {
        console.warn(`      SKIPPED: ${UPSTREAM_DIR} is absent, so this check against upstream reference files cannot run`);
        context.skip();
    }
}

export function readUpstreamYaml(file: string): any {
    return YAML.parse(fs.readFileSync(path.join(UPSTREAM_DIR, file), "utf8"));
}

export function readUpstreamText(file: string): string {
    return fs.readFileSync(path.join(UPSTREAM_DIR, file), "utf8");
}
