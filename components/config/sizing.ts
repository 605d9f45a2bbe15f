import { show } from "./errors";
import { addQuantities, compareQuantities, formatBytes, mustParseQuantity, parseRedisMemory, Quantity } from "./quantity";
import type { StackConfig } from "./stackConfig";

/**
 * Sizing rules that span several keys. The configuration validation and the
 * policy pack's sizing invariants both call these; there is one implementation.
 */

/**
 * redis-stack loads RediSearch, RedisJSON, RedisTimeSeries and RedisBloom.
 * Their memory and redis' own overhead (buffers, fork for RDB) live outside
 * `maxmemory`, so the container limit needs this much room above it.
 */
export const REDIS_STACK_HEADROOM = mustParseQuantity("512Mi");

/** Returns a problem message when redis' maxmemory plus headroom does not fit its container limit. */
export function checkRedisMaxmemory(maxmemory: string, memoryLimit: string, where: { maxmemory: string; limit: string }): string | undefined {
    const max = parseRedisMemory(maxmemory);
    if (!max) {
        return `${where.maxmemory}: ${show(maxmemory)} is not a redis memory size; accepted: a whole number with an optional unit b, k, kb, m, mb, g, gb (e.g. "1000mb")`;
    }
    const limit = mustParseQuantity(memoryLimit);
    const needed = addQuantities(max, REDIS_STACK_HEADROOM);
    if (compareQuantities(needed, limit) > 0) {
        return `${where.maxmemory}: ${show(maxmemory)} plus ${formatBytes(REDIS_STACK_HEADROOM)} of headroom for redis-stack's modules needs ${formatBytes(needed)}, above the redis memory limit ${show(memoryLimit)} (${where.limit}); accepted: maxmemory at most ${formatBytes(addQuantities(limit, { num: -REDIS_STACK_HEADROOM.num, den: REDIS_STACK_HEADROOM.den }))}`;
    }
    return undefined;
}

/** Returns a problem message when a container's memory limit exceeds the cluster's admission maximum. */
export function checkMemoryLimitMaximum(memoryLimit: string, maximum: Quantity, maximumText: string, where: string): string | undefined {
    const limit = mustParseQuantity(memoryLimit);
    if (compareQuantities(limit, maximum) > 0) {
        return `${where}: ${show(memoryLimit)} is above the cluster's maximum container memory limit ${show(maximumText)}; accepted: at most ${maximumText}, or Gatekeeper refuses the pods`;
    }
    return undefined;
}

/** All cross-key sizing problems of a configuration whose single values are valid. */
export function checkSizing(config: StackConfig): string[] {
    const problems: string[] = [];
    const maximum = mustParseQuantity(config.maxContainerMemory);
    for (const [component, spec] of Object.entries(config.resources)) {
        const problem = checkMemoryLimitMaximum(spec.limits.memory, maximum, config.maxContainerMemory, `falco:resources.${component}.limits.memory`);
        if (problem) {
            problems.push(problem);
        }
    }
    const redisProblem = checkRedisMaxmemory(config.redis.maxmemory, config.resources.redis.limits.memory, {
        maxmemory: "falco:redis.maxmemory",
        limit: "falco:resources.redis.limits.memory",
    });
    if (redisProblem) {
        problems.push(redisProblem);
    }
    return problems;
}
