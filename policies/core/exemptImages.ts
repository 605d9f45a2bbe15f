import type { Engine } from "./types";

/**
 * `exemptImages` of the gatekeeper-library templates. Both engines treat an entry
 * ending in `*` as a prefix and any other entry as an exact image, but they cut
 * the prefix differently:
 *   - Rego (lib.exempt_container): trim_suffix(entry, "*"), one trailing star only;
 *   - CEL: entry.replace("*", ""), every star in the entry.
 * So "repo/*x*" exempts images starting with "repo/*x" under Rego but "repo/x" under CEL.
 */
export function isExemptImage(image: unknown, exemptImages: unknown, engine: Engine): boolean {
    if (typeof image !== "string" || !Array.isArray(exemptImages)) {
        return false;
    }
    return exemptImages.some((entry) => {
        if (typeof entry !== "string") {
            return false;
        }
        if (!entry.endsWith("*")) {
            return entry === image;
        }
        const prefix = engine === "Rego" ? entry.slice(0, -1) : entry.split("*").join("");
        return image.startsWith(prefix);
    });
}
