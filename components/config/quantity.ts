/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`), parsed exactly.
 *
 * The grammar is the one in k8s.io/apimachinery/pkg/api/resource/quantity.go:
 *   quantity ::= signedNumber suffix
 *   suffix   ::= binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (m "" k M G T P E) | ("e"|"E") signedNumber
 * Values are kept as exact rationals (bigint numerator / denominator) so that
 * inclusive limits such as "2Gi" vs "2048Mi" compare exactly; floats would not.
 */

export interface Quantity {
    /** Numerator of the value in base units (cores, bytes). */
    readonly num: bigint;
    /** Denominator, always > 0. */
    readonly den: bigint;
}

const BINARY_SUFFIX: Record<string, bigint> = {
    Ki: 1n << 10n,
    Mi: 1n << 20n,
    Gi: 1n << 30n,
    Ti: 1n << 40n,
    Pi: 1n << 50n,
    Ei: 1n << 60n,
};

const DECIMAL_SUFFIX_EXPONENT: Record<string, number> = {
    m: -3,
    "": 0,
    k: 3,
    M: 6,
    G: 9,
    T: 12,
    P: 15,
    E: 18,
};

const QUANTITY_PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

function pow10(exponent: number): bigint {
    return 10n ** BigInt(exponent);
}

function gcd(a: bigint, b: bigint): bigint {
    a = a < 0n ? -a : a;
    while (b !== 0n) {
        [a, b] = [b, a % b];
    }
    return a;
}

function reduce(num: bigint, den: bigint): Quantity {
    const divisor = gcd(num, den) || 1n;
    return { num: num / divisor, den: den / divisor };
}

/** Parses a Kubernetes quantity; returns undefined when the text is not one. */
export function parseQuantity(text: string): Quantity | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const match = QUANTITY_PATTERN.exec(text);
    if (!match) {
        return undefined;
    }
    const [, sign, digits, suffix = ""] = match;
    const [whole, fraction = ""] = digits.split(".");
    let num = BigInt((whole || "0") + fraction);
    let den = pow10(fraction.length);
    if (sign === "-") {
        num = -num;
    }
    if (suffix in BINARY_SUFFIX) {
        num *= BINARY_SUFFIX[suffix];
    } else {
        const exponent = suffix in DECIMAL_SUFFIX_EXPONENT ? DECIMAL_SUFFIX_EXPONENT[suffix] : Number(suffix.slice(1));
        if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 100) {
            return undefined;
        }
        if (exponent >= 0) {
            num *= pow10(exponent);
        } else {
            den *= pow10(-exponent);
        }
    }
    return reduce(num, den);
}

/** -1, 0 or 1, exactly. */
export function compareQuantities(a: Quantity, b: Quantity): number {
    const left = a.num * b.den;
    const right = b.num * a.den;
    return left < right ? -1 : left > right ? 1 : 0;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
    return reduce(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function multiplyQuantity(a: Quantity, factor: number | bigint): Quantity {
    return reduce(a.num * BigInt(factor), a.den);
}

/** Approximate value in base units, for reports and ratios only; never for limits. */
export function quantityToNumber(q: Quantity): number {
    return Number(q.num) / Number(q.den);
}

export function quantityFromBytes(bytes: bigint | number): Quantity {
    return { num: BigInt(bytes), den: 1n };
}

/**
 * Parses a quantity that must be valid, for values this program wrote itself.
 * A failure here is a programming error, so it throws loudly.
 */
export function mustParseQuantity(text: string): Quantity {
    const q = parseQuantity(text);
    if (!q) {
        throw new Error(`internal error: "${text}" is not a Kubernetes quantity`);
    }
    return q;
}

/**
 * Redis memory sizes (`maxmemory 1000mb`) use redis' own units, not Kubernetes':
 * k/m/g are powers of 1000, kb/mb/gb powers of 1024, case-insensitive; no unit means bytes.
 */
const REDIS_UNITS: Record<string, bigint> = {
    "": 1n,
    b: 1n,
    k: 1000n,
    kb: 1024n,
    m: 1000n ** 2n,
    mb: 1024n ** 2n,
    g: 1000n ** 3n,
    gb: 1024n ** 3n,
};

export function parseRedisMemory(text: string): Quantity | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const match = /^(\d+)([a-z]*)$/i.exec(text);
    if (!match) {
        return undefined;
    }
    const unit = REDIS_UNITS[match[2].toLowerCase()];
    return unit === undefined ? undefined : quantityFromBytes(BigInt(match[1]) * unit);
}

/** Formats bytes as the largest exact binary unit, e.g. 2147483648 -> "2Gi"; for messages and reports. */
export function formatBytes(q: Quantity): string {
    if (q.den !== 1n) {
        return `${quantityToNumber(q)}`;
    }
    for (const [suffix, factor] of Object.entries(BINARY_SUFFIX).reverse()) {
        if (q.num !== 0n && q.num % factor === 0n) {
            return `${q.num / factor}${suffix}`;
        }
    }
    const mib = quantityToNumber(q) / 2 ** 20;
    return q.num >= 1n << 20n ? `${mib.toFixed(1)}Mi` : `${q.num}`;
}

/*
 * Canonical form, as the API server stores and serves a quantity (apimachinery
 * resource/quantity.go: ParseQuantity rounds up to 1n and turns a BinarySI value
 * below 1 into DecimalSI; CanonicalizeBytes writes the rest as below). Admission webhooks such as Gatekeeper
 * only ever see this form, so a policy that reads "1.5Gi" must judge "1536Mi".
 *   - The value is rounded up to a multiple of 1n (10^-9).
 *   - Binary suffixes (Ki..Ei) keep a binary suffix when the value is a whole number
 *     of at least 1024 (or at most -1024): the largest power of 1024 that divides it.
 *   - Otherwise the number is written with the largest exponent that is a multiple of 3
 *     and keeps the mantissa whole: a decimal SI suffix (n u m "" k M G T P E), or
 *     "eN" when the input used an exponent ("1e3" stays "1e3"; "12e4" becomes "120e3").
 */

type QuantityFormat = "BinarySI" | "DecimalSI" | "DecimalExponent";

const DECIMAL_SUFFIX_FOR_EXPONENT: Record<number, string> = { [-9]: "n", [-6]: "u", [-3]: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E" };

function quantityFormat(text: string): QuantityFormat {
    const suffix = QUANTITY_PATTERN.exec(text)?.[3] ?? "";
    if (suffix in BINARY_SUFFIX) {
        return "BinarySI";
    }
    return /^[eE]/.test(suffix) ? "DecimalExponent" : "DecimalSI";
}

/** Rounds up (away from zero, as apimachinery's inf.RoundUp) to whole nano units; returns the count of nanos. */
function toNanosRoundedUp(q: Quantity): bigint {
    const scaled = q.num * 1_000_000_000n;
    const whole = scaled / q.den;
    if (whole * q.den === scaled) {
        return whole;
    }
    return scaled < 0n ? whole - 1n : whole + 1n;
}

/** The text the API server stores for a quantity, or undefined when it would refuse the value. */
export function canonicalQuantity(input: string | number): string | undefined {
    const text = typeof input === "number" ? String(input) : input;
    const parsed = parseQuantity(text);
    if (!parsed) {
        return undefined;
    }
    let format = quantityFormat(text);
    const nanos = toNanosRoundedUp(parsed);
    if (nanos === 0n) {
        return "0";
    }
    const negative = nanos < 0n;
    const magnitude = negative ? -nanos : nanos;
    const sign = negative ? "-" : "";
    const NANO = 1_000_000_000n;
    if (format === "BinarySI") {
        const whole = magnitude % NANO === 0n;
        if (magnitude < 1024n * NANO || !whole) {
            format = "DecimalSI";
        } else {
            let value = magnitude / NANO;
            let exponent = 0;
            while (value % 1024n === 0n && exponent < 6) {
                value /= 1024n;
                exponent += 1;
            }
            return `${sign}${value}${["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exponent]}`;
        }
    }
    let mantissa = magnitude;
    let exponent = -9;
    while (mantissa % 10n === 0n) {
        mantissa /= 10n;
        exponent += 1;
    }
    const down = ((exponent % 3) + 3) % 3;
    mantissa *= 10n ** BigInt(down);
    exponent -= down;
    let suffix: string;
    if (format === "DecimalExponent") {
        suffix = exponent === 0 ? "" : `e${exponent}`;
    } else {
        suffix = exponent in DECIMAL_SUFFIX_FOR_EXPONENT ? DECIMAL_SUFFIX_FOR_EXPONENT[exponent] : `e${exponent}`;
    }
    return `${sign}${mantissa}${suffix}`;
}
