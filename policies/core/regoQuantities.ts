import type { Quantity } from "../../components/config/quantity";

/**
 * The resource templates (k8scontainerlimits, k8scontainerrequests,
 * k8scontainerratios) are Rego only and parse quantities with their own
 * `canonify_cpu` / `canonify_mem`, which know fewer forms than Kubernetes:
 * no exponents ("1e3"), no "n"/"u" suffixes, no suffixes on CPU other than "m".
 * Gatekeeper runs them on the API server's canonical form, so e.g. a CPU limit
 * written as 2000 arrives as "2k" and is reported as unparseable. This module
 * reproduces those functions exactly; values are in milli-units (millicores,
 * millibytes), as in the templates.
 */

const MEMORY_MULTIPLE: Record<string, bigint> = {
    E: 10n ** 21n,
    P: 10n ** 18n,
    T: 10n ** 15n,
    G: 10n ** 12n,
    M: 10n ** 9n,
    k: 10n ** 6n,
    "": 1000n,
    m: 1n,
    Ki: 1000n * 2n ** 10n,
    Mi: 1000n * 2n ** 20n,
    Gi: 1000n * 2n ** 30n,
    Ti: 1000n * 2n ** 40n,
    Pi: 1000n * 2n ** 50n,
    Ei: 1000n * 2n ** 60n,
};

/** What OPA's to_number accepts from a string (a JSON-like decimal number). */
function regoToNumber(text: string): Quantity | undefined {
    const match = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!match) {
        return undefined;
    }
    const [, sign, whole, fraction = "", exponentText = "0"] = match;
    let num = BigInt(whole + fraction) * (sign === "-" ? -1n : 1n);
    let den = 10n ** BigInt(fraction.length);
    const exponent = Number(exponentText);
    if (Math.abs(exponent) > 100) {
        return undefined;
    }
    if (exponent >= 0) {
        num *= 10n ** BigInt(exponent);
    } else {
        den *= 10n ** BigInt(-exponent);
    }
    return { num, den };
}

function scale(q: Quantity, factor: bigint): Quantity {
    return { num: q.num * factor, den: q.den };
}

const PLAIN_DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

/** Rego canonify_cpu: millicores, or undefined where the template's rule has no value. */
export function regoCanonifyCpu(value: unknown): Quantity | undefined {
    if (typeof value === "number") {
        return regoToNumber(String(value)) && scale(regoToNumber(String(value))!, 1000n);
    }
    if (typeof value !== "string") {
        return undefined;
    }
    if (value.endsWith("m")) {
        return regoToNumber(value.split("m").join(""));
    }
    if (PLAIN_DECIMAL.test(value)) {
        return scale(regoToNumber(value)!, 1000n);
    }
    return undefined;
}

/** Rego get_suffix: the last one or two characters when they name a multiple, else "". */
function regoMemorySuffix(value: string): string {
    if (value.length > 0 && value.slice(-1) in MEMORY_MULTIPLE) {
        return value.slice(-1);
    }
    if (value.length > 1 && value.slice(-2) in MEMORY_MULTIPLE) {
        return value.slice(-2);
    }
    return "";
}

/** Rego canonify_mem: millibytes, or undefined where the template's rule has no value. */
export function regoCanonifyMemory(value: unknown): Quantity | undefined {
    if (typeof value === "number") {
        const n = regoToNumber(String(value));
        return n && scale(n, 1000n);
    }
    if (typeof value !== "string") {
        return undefined;
    }
    const suffix = regoMemorySuffix(value);
    // replace(orig, suffix, "") removes every occurrence, as Rego's replace does.
    const raw = suffix === "" ? value : value.split(suffix).join("");
    if (!PLAIN_DECIMAL.test(raw)) {
        return undefined;
    }
    return scale(regoToNumber(raw)!, MEMORY_MULTIPLE[suffix]);
}

/** Rego's `missing(obj, field)`: absent, false, or the empty string. */
export function regoMissing(obj: Record<string, unknown>, field: string): boolean {
    const value = obj[field];
    return value === undefined || value === null || value === false || value === "";
}

/** Rego truthiness of a reference in a rule body: defined and not false. */
export function regoTruthy(value: unknown): boolean {
    return value !== undefined && value !== null && value !== false;
}

/** Rego's `%v` formatting of a value in messages (close enough for humans). */
export function regoShow(value: unknown): string {
    if (value === undefined) {
        return "<undefined>";
    }
    return typeof value === "string" ? value : JSON.stringify(value);
}
