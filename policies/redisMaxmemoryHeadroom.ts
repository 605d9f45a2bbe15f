import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkRedisMaxmemory } from "../components/config/sizing";
import { parseQuantity } from "../components/config/quantity";
import { falcoChartValues, redisMaxmemory } from "./core/chartValues";

/** redis `maxmemory` plus redis-stack's module headroom stays under the redis container's memory limit. */
export const policy: ResourceValidationPolicy = {
    name: "redis-maxmemory-headroom",
    description: "redis maxmemory plus room for redis-stack's modules fits the redis container's memory limit (the rule falco:redis is validated with).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const values = falcoChartValues(args.type, args.props);
        const maxmemory = values && redisMaxmemory(values);
        const limit = values?.falcosidekick?.webui?.redis?.resources?.limits?.memory;
        if (!maxmemory || typeof limit !== "string" || !parseQuantity(limit)) {
            return;
        }
        const problem = checkRedisMaxmemory(maxmemory, limit, {
            maxmemory: "values.falcosidekick.webui.redis.customConfig maxmemory",
            limit: "values.falcosidekick.webui.redis.resources.limits.memory",
        });
        if (problem) {
            reportViolation(problem);
        }
    },
};
