/**
 * Prometheus' own rule checker and unit-test runner. Debian's `prometheus`
 * package ships it (.ci/run installs it); where it is missing, tests that need
 * it skip with a loud message instead of passing silently.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";

export function promtoolAvailable(): boolean {
    const probe = spawnSync("promtool", ["--version"], { encoding: "utf8" });
    return probe.status === 0;
}

export function requirePromtool(context: Mocha.Context): void {
    if (!promtoolAvailable()) {
        console.warn(
            "\n      ************************************************************************\n" +
                "      SKIPPED: promtool is not installed, so the alert rules were NOT checked\n" +
                "      by Prometheus. Install Debian's `prometheus` package (.ci/run does).\n" +
                "      ************************************************************************\n",
        );
        context.skip();
    }
}

export function promtool(args: string[], cwd: string): SpawnSyncReturns<string> {
    return spawnSync("promtool", args, { cwd, encoding: "utf8", timeout: 60000 });
}
