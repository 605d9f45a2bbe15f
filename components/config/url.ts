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
 * The Service an in-cluster URL names, `{ namespace, name }`, for hosts `NAME.NAMESPACE` (found through the
 * pod's DNS search path) and `NAME.NAMESPACE.svc[.CLUSTER-DOMAIN]`; undefined for an IP address, a bare name
 * (a Service in the pod's own namespace), any other host, or text that is not a URL. The one reading of a
 * Service out of a URL: the cluster prerequisites read that Service, and the NetworkPolicy peers must be in
 * its namespace.
 */
export function inClusterService(text: string): { namespace: string; name: string } | undefined {
    let host: string;
    try {
        host = new URL(text).hostname;
    } catch {
        return undefined;
    }
    const labels = host.split(".");
    if (labels.length < 2 || /^\d+$/.test(labels[labels.length - 1]) || (labels.length > 2 && labels[2] !== "svc")) {
        return undefined;
    }
    return { name: labels[0], namespace: labels[1] };
}
