/** Default ports of the schemes the program accepts; WHATWG URL drops them from `url.port`. */
const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/**
 * The port written in an http(s) URL, including a default port written out
 * (`http://host:80`, which `new URL(...).port` reports as ""); undefined when
 * the URL names no port or is not http(s).
 */
export function explicitPort(text: string): number | undefined {
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return undefined;
    }
    if (url.port !== "") {
        return Number(url.port);
    }
    const defaultPort = DEFAULT_PORTS[url.protocol];
    return defaultPort !== undefined && text.endsWith(`:${defaultPort}`) ? defaultPort : undefined;
}
