import { ProblemList, show } from "./errors";
import { parseQuantity, Quantity } from "./quantity";
import { explicitPort } from "./url";

/**
 * Small typed readers for configuration values. Each reader records a problem
 * that names the key path, the value and what is accepted, and returns a
 * placeholder so that validation goes on and reports every problem at once.
 */
export class FieldReader {
    /** Paths already reported as missing: reading them again says nothing more (one problem per mistake). */
    private readonly missing = new Set<string>();

    constructor(readonly problems: ProblemList) {}

    /** Records that `path` was reported as missing by the caller, so the readers stay quiet about it. */
    reportedMissing(path: string): void {
        this.missing.add(path);
    }

    /** Whether `value` is absent at a path already reported as missing. */
    isReportedMissing(value: unknown, path: string): boolean {
        return value === undefined && this.missing.has(path);
    }

    /** Reads an object and reports keys that are missing or not accepted (a typo must not be ignored). */
    object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
        if (this.isReportedMissing(value, path)) {
            // Its keys are missing too, and already covered by the one problem about the object.
            required.forEach((key) => this.missing.add(`${path}.${key}`));
            return {};
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            this.problems.add(`${path}: ${show(value)} is not an object; accepted: an object with keys ${[...required, ...optional].join(", ")}`);
            return {};
        }
        const record = value as Record<string, unknown>;
        const accepted = new Set([...required, ...optional]);
        for (const key of Object.keys(record)) {
            if (!accepted.has(key)) {
                this.problems.add(`${path}.${key}: unknown key; accepted keys: ${[...accepted].join(", ")}`);
            }
        }
        for (const key of required) {
            if (!(key in record)) {
                this.problems.add(`${path}.${key}: missing; it is required`);
                this.missing.add(`${path}.${key}`);
            }
        }
        return record;
    }

    string(value: unknown, path: string): string {
        if (this.isReportedMissing(value, path)) {
            return "";
        }
        if (typeof value !== "string") {
            this.problems.add(`${path}: ${show(value)} is not a string`);
            return "";
        }
        return value;
    }

    boolean(value: unknown, path: string): boolean {
        if (this.isReportedMissing(value, path)) {
            return false;
        }
        if (typeof value !== "boolean") {
            this.problems.add(`${path}: ${show(value)} is not a boolean; accepted: true or false`);
            return false;
        }
        return value;
    }

    oneOf<T extends string>(value: unknown, path: string, accepted: readonly T[]): T {
        if (this.isReportedMissing(value, path)) {
            return accepted[0];
        }
        if (typeof value !== "string" || !(accepted as readonly string[]).includes(value)) {
            this.problems.add(`${path}: ${show(value)} is not accepted; accepted: ${accepted.join(", ")}`);
            return accepted[0];
        }
        return value as T;
    }

    integer(value: unknown, path: string, min: number, max: number): number {
        if (this.isReportedMissing(value, path)) {
            return min;
        }
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            this.problems.add(`${path}: ${show(value)} is not accepted; accepted: an integer from ${min} to ${max}`);
            return min;
        }
        return value;
    }

    /** A Kubernetes quantity that is > 0 (or >= 0 when zero is allowed). */
    quantity(value: unknown, path: string, what: string, example: string): Quantity | undefined {
        if (this.isReportedMissing(value, path)) {
            return undefined;
        }
        const q = typeof value === "string" ? parseQuantity(value) : undefined;
        if (!q || q.num <= 0n) {
            this.problems.add(`${path}: ${show(value)} is not a positive Kubernetes quantity for ${what}; accepted: a string such as ${example}`);
            return undefined;
        }
        return q;
    }

    /** An RFC 1123 DNS label, as Kubernetes requires for namespace and many object names. */
    dnsLabel(value: unknown, path: string): string {
        const text = this.string(value, path);
        if (text !== "" || typeof value === "string") {
            if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text) || text.length > 63) {
                this.problems.add(`${path}: ${show(value)} is not a DNS label; accepted: at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`);
            }
        }
        return text;
    }

    /** An http(s) URL of the form scheme://host:port with no path, query or credentials. */
    httpHostPort(value: unknown, path: string): string {
        const text = this.string(value, path);
        let url: URL | undefined;
        try {
            url = new URL(text);
        } catch {
            url = undefined;
        }
        const ok =
            url !== undefined &&
            (url.protocol === "http:" || url.protocol === "https:") &&
            url.hostname !== "" &&
            explicitPort(text) !== undefined &&
            (url.pathname === "/" || url.pathname === "") &&
            !text.endsWith("/") &&
            url.search === "" &&
            url.hash === "" &&
            url.username === "" &&
            url.password === "";
        if (!ok && typeof value === "string") {
            this.problems.add(`${path}: ${show(value)} is not accepted; accepted: http://HOST:PORT or https://HOST:PORT with an explicit port and no path (the API path is set by the program)`);
        }
        return text;
    }

    stringList(value: unknown, path: string): string[] {
        if (this.isReportedMissing(value, path)) {
            return [];
        }
        if (!Array.isArray(value)) {
            this.problems.add(`${path}: ${show(value)} is not a list; accepted: a list of strings`);
            return [];
        }
        return value.map((item, index) => this.string(item, `${path}[${index}]`));
    }
}
