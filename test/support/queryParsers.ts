/**
 * Query checks with the Prometheus and Loki projects' own Lezer grammars:
 * a query is valid when its parse tree has no error node.
 */
import { parser as promqlParser } from "@prometheus-io/lezer-promql";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const logql = require("@grafana/lezer-logql") as { parser: typeof promqlParser };

interface ParseProblem {
    from: number;
    text: string;
}

function errorNodes(tree: ReturnType<typeof promqlParser.parse>, query: string): ParseProblem[] {
    const problems: ParseProblem[] = [];
    tree.iterate({
        enter(node) {
            if (node.type.isError) {
                problems.push({ from: node.from, text: query.slice(Math.max(0, node.from - 10), node.to + 10) });
            }
        },
    });
    return problems;
}

export function promqlErrors(query: string): ParseProblem[] {
    return errorNodes(promqlParser.parse(query), query);
}

export function logqlErrors(query: string): ParseProblem[] {
    return errorNodes(logql.parser.parse(query), query);
}

/** Metric names a PromQL query selects (the Identifier of every VectorSelector). */
export function promqlMetricNames(query: string): string[] {
    const names: string[] = [];
    const tree = promqlParser.parse(query);
    tree.iterate({
        enter(node) {
            if (node.name === "VectorSelector") {
                const identifier = node.node.getChild("Identifier");
                if (identifier) {
                    names.push(query.slice(identifier.from, identifier.to));
                }
            }
        },
    });
    return names;
}

/** Grafana interpolates its macros before a query reaches Prometheus; so do the tests. */
export function interpolateGrafanaMacros(query: string): string {
    return query.replace(/\$__rate_interval/g, "2m").replace(/\$__range/g, "24h").replace(/\$__interval/g, "1m");
}
