import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UserInputError } from "./config/errors";
import { PROJECT_ROOT } from "./projectRoot";

/**
 * Pulumi runs the compiled program (Pulumi.yaml `main: bin/index.js`) and, as its
 * nodejs runtime says, does not build before a preview. So `npm run build` records
 * a digest of every source file it bundled, and the bundle checks them before the
 * program runs: a preview of code older than the checkout stops with a message
 * instead of showing a plan the sources no longer describe.
 */

/** Written beside the bundle by `npm run build`. */
export const BUILD_MANIFEST_FILE = "index.sources.json";

/** The command that builds the program; shown in every stale-build message. */
export const BUILD_COMMAND = "npm run build";

export interface BuildManifest {
    /** Project-relative source path (forward slashes) -> sha256 of its content when bundled. */
    sources: Record<string, string>;
}

export function sourceDigest(content: Buffer | string): string {
    return createHash("sha256").update(content).digest("hex");
}

/** Sources whose content differs from the build's, or that are gone; empty when the build is current. */
export function staleSources(manifest: BuildManifest, root: string = PROJECT_ROOT): string[] {
    const stale: string[] = [];
    for (const [source, digest] of Object.entries(manifest.sources)) {
        let content: Buffer;
        try {
            content = fs.readFileSync(path.join(root, source));
        } catch {
            stale.push(`${source} (removed)`);
            continue;
        }
        if (sourceDigest(content) !== digest) {
            stale.push(source);
        }
    }
    return stale;
}

/** Reads the manifest beside a bundle; undefined when it is missing or unreadable. */
export function readBuildManifest(bundleDir: string): BuildManifest | undefined {
    try {
        const manifest = JSON.parse(fs.readFileSync(path.join(bundleDir, BUILD_MANIFEST_FILE), "utf8"));
        return manifest && typeof manifest.sources === "object" && manifest.sources !== null ? manifest : undefined;
    } catch {
        return undefined;
    }
}

/** Throws a UserInputError (no stack trace in `pulumi preview`) unless the bundle in `bundleDir` is built from the current sources. */
export function assertBuildCurrent(bundleDir: string, root: string = PROJECT_ROOT): void {
    const where = path.relative(root, bundleDir) || ".";
    const manifest = readBuildManifest(bundleDir);
    if (!manifest) {
        throw new UserInputError(
            [`${where}/${BUILD_MANIFEST_FILE}: missing or unreadable, so this build cannot be checked against the sources; accepted: a build made by \`${BUILD_COMMAND}\``],
            "the compiled program cannot be trusted",
        );
    }
    const stale = staleSources(manifest, root);
    if (stale.length > 0) {
        const shown = stale.slice(0, 5).join(", ") + (stale.length > 5 ? ` and ${stale.length - 5} more` : "");
        throw new UserInputError(
            [`${where}/index.js was built from older sources: ${shown} changed since; run \`${BUILD_COMMAND}\` (Pulumi does not build before a preview or an update)`],
            "the compiled program is out of date",
        );
    }
}
