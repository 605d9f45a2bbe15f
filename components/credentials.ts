import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { COMPONENT_TYPES } from "./naming";

/*
 * Generated credentials for the falcosidekick web UI and its redis, kept in
 * Kubernetes Secrets that chart 0.12.1 reads through `webui.existingSecret` and
 * `webui.redis.existingSecret`. The chart only ever sees the Secrets' names.
 */

/** Login name of the web UI; not the upstream default "admin", so a guess needs both halves. */
export const WEBUI_LOGIN_NAME = "falco";

/** 32 letters and digits (~190 bits). No symbols: the chart splices the redis password unquoted into shell and redis arguments. */
export const GENERATED_PASSWORD = { length: 32, special: false, upper: true, lower: true, numeric: true } as const;

/**
 * Environment variables each Secret must carry, as the falcosidekick 0.12.1
 * templates read them (envFrom, so the Secret's keys are the variable names).
 */
export const WEBUI_SECRET_KEYS = {
    /** falcosidekick-ui's basic-auth `<login>:<password>` (the chart's own default, webui.user, is admin:admin). */
    login: "FALCOSIDEKICK_UI_USER",
    /** The password the UI sends to redis. */
    redisPassword: "FALCOSIDEKICK_UI_REDIS_PASSWORD",
    /** Read by the wait-redis init container's ping-redis.sh (`redis-cli -a ${REDIS_PASSWORD}`). */
    redisPasswordForInit: "REDIS_PASSWORD",
} as const;

export const REDIS_SECRET_KEYS = {
    /** redis-stack's entrypoint appends $REDIS_ARGS to redis-server's command line. */
    args: "REDIS_ARGS",
} as const;

export interface CredentialSecretNames {
    webui: string;
    redis: string;
}

/**
 * Explicit, deterministic names: the chart values reference them as plain
 * strings (under mocks an auto-generated name would silently vanish from the
 * values), and they differ from the chart's own `<fullname>-ui` Secrets.
 */
export function credentialSecretNames(releaseName: string): CredentialSecretNames {
    return { webui: `${releaseName}-webui-credentials`, redis: `${releaseName}-redis-credentials` };
}

export function webuiSecretData(uiPassword: string, redisPassword: string): Record<string, string> {
    return {
        [WEBUI_SECRET_KEYS.login]: `${WEBUI_LOGIN_NAME}:${uiPassword}`,
        [WEBUI_SECRET_KEYS.redisPassword]: redisPassword,
        [WEBUI_SECRET_KEYS.redisPasswordForInit]: redisPassword,
    };
}

export function redisSecretData(redisPassword: string): Record<string, string> {
    return { [REDIS_SECRET_KEYS.args]: `--requirepass ${redisPassword}` };
}

export interface WebuiLogin {
    username: string;
    password: string;
}

export interface CredentialsArgs {
    namespace: pulumi.Input<string>;
    releaseName: string;
    /** falco:credentialsRotation; any change replaces every password (RandomPassword keepers). */
    rotation: string;
}

/** The web UI's and redis' generated passwords and the Secrets that hold them. */
export class Credentials extends pulumi.ComponentResource {
    public readonly secretNames: CredentialSecretNames;
    /** Secret output: `pulumi stack output webuiLogin --show-secrets`. */
    public readonly webuiLogin: pulumi.Output<WebuiLogin>;
    public readonly webuiSecret: k8s.core.v1.Secret;
    public readonly redisSecret: k8s.core.v1.Secret;

    constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.credentials, name, {}, opts);
        this.secretNames = credentialSecretNames(args.releaseName);
        const keepers = { rotation: args.rotation };
        const uiPassword = new random.RandomPassword(`${name}-webui-password`, { ...GENERATED_PASSWORD, keepers }, { parent: this });
        const redisPassword = new random.RandomPassword(`${name}-redis-password`, { ...GENERATED_PASSWORD, keepers }, { parent: this });
        // The provider declares `result` secret, but that is applied by the engine, not the SDK:
        // wrapping it here keeps the values secret everywhere they flow, mocks included.
        const ui = pulumi.secret(uiPassword.result);
        const redis = pulumi.secret(redisPassword.result);

        this.webuiSecret = new k8s.core.v1.Secret(
            `${name}-webui`,
            {
                metadata: { name: this.secretNames.webui, namespace: args.namespace },
                type: "Opaque",
                stringData: pulumi.all([ui, redis]).apply(([u, r]) => webuiSecretData(u, r)),
            },
            { parent: this },
        );
        this.redisSecret = new k8s.core.v1.Secret(
            `${name}-redis`,
            {
                metadata: { name: this.secretNames.redis, namespace: args.namespace },
                type: "Opaque",
                stringData: redis.apply((r) => redisSecretData(r)),
            },
            { parent: this },
        );
        this.webuiLogin = pulumi.secret(ui.apply((password) => ({ username: WEBUI_LOGIN_NAME, password })));
        this.registerOutputs({ secretNames: this.secretNames, webuiLogin: this.webuiLogin });
    }
}
