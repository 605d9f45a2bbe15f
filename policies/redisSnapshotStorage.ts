import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkRedisSnapshotStorage } from "../components/config/sizing";
import { falcoChartValues, redisMaxmemory } from "./core/chartValues";

/** The redis PVC holds a full RDB snapshot of maxmemory plus its rewrite (2 x maxmemory). */
export const policy: ResourceValidationPolicy = {
    name: "redis-snapshot-storage",
    description: "The web UI redis volume holds an RDB snapshot of maxmemory and its rewrite side by side (2 x maxmemory).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const values = falcoChartValues(args.type, args.props);
        const redis = values?.falcosidekick?.webui?.redis;
        const maxmemory = values && redisMaxmemory(values);
        if (!redis || redis.storageEnabled === false || !maxmemory || typeof redis.storageSize !== "string") {
            return;
        }
        const problem = checkRedisSnapshotStorage(maxmemory, redis.storageSize, {
            maxmemory: "values.falcosidekick.webui.redis.customConfig maxmemory",
            storage: "values.falcosidekick.webui.redis.storageSize",
        });
        if (problem) {
            reportViolation(problem);
        }
    },
};
