import { isIP } from "net";

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

/**
 * The Service an in-cluster URL names, `{ namespace, name }`, as the DNS search path of a pod in
 * `podNamespace` resolves it: a bare `NAME` is a Service in the pod's own namespace, `NAME.NAMESPACE` and
 * `NAME.NAMESPACE.svc[.CLUSTER-DOMAIN]` one in NAMESPACE. Undefined for an IP address, any other host, or
 * text that is not a URL. The one reading of a Service out of a URL: the cluster prerequisites read that
 * Service, and the NetworkPolicy peers must be in its namespace.
 */
export function inClusterService(text: string, podNamespace: string): { namespace: string; name: string } | undefined {
    let host: string;
    try {
        host = new URL(text).hostname;
    } catch {
        return undefined;
    }
    const labels = host.split(".");
    // WHATWG URL writes an IPv6 host in brackets and normalises every numeric IPv4 form to dotted quads.
    if (host === "" || isIP(host.replace(/^\[(.*)\]$/, "$1")) !== 0 || (labels.length > 2 && labels[2] !== "svc")) {
        return undefined;
    }
    return labels.length === 1 ? { name: host, namespace: podNamespace } : { name: labels[0], namespace: labels[1] };
}
