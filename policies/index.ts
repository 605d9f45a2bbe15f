// The CrossGuard pack: wiring only. Every rule lives in its own module and in
// the pure core (policies/core), which `npm run policy -- check` shares.
// `new PolicyPack` starts the policy server: it must exist here and nowhere else.
import { PolicyPack } from "@pulumi/policy";
import { gatekeeperWarningsPolicy } from "./core/pulumiPolicy";
import { GATEKEEPER_TEMPLATES } from "./gatekeeperTemplates";
import { policy as k8sallowedrepos } from "./k8sallowedrepos";
import { policy as k8sblocknodeport } from "./k8sblocknodeport";
import { policy as k8scontainerlimits } from "./k8scontainerlimits";
import { policy as k8scontainerratios } from "./k8scontainerratios";
import { policy as k8scontainerrequests } from "./k8scontainerrequests";
import { policy as k8sdisallowedtags } from "./k8sdisallowedtags";
import { policy as k8spspallowprivilegeescalationcontainer } from "./k8spspallowprivilegeescalationcontainer";
import { policy as k8spspcapabilities } from "./k8spspcapabilities";
import { policy as k8spsphostfilesystem } from "./k8spsphostfilesystem";
import { policy as k8spsphostnamespace } from "./k8spsphostnamespace";
import { policy as k8spspprivilegedcontainer } from "./k8spspprivilegedcontainer";
import { policy as k8spspreadonlyrootfilesystem } from "./k8spspreadonlyrootfilesystem";
import { policy as k8srequiredresources } from "./k8srequiredresources";
import { policy as falcoRingBuffers } from "./falcoRingBuffers";
import { policy as redisMaxmemoryHeadroom } from "./redisMaxmemoryHeadroom";
import { policy as redisSnapshotStorage } from "./redisSnapshotStorage";

new PolicyPack("falco-homelab-gatekeeper", {
    policies: [
        k8scontainerlimits,
        k8srequiredresources,
        k8scontainerrequests,
        k8scontainerratios,
        k8sdisallowedtags,
        k8sallowedrepos,
        k8spspprivilegedcontainer,
        k8spsphostnamespace,
        k8spsphostfilesystem,
        k8spspcapabilities,
        k8spspallowprivilegeescalationcontainer,
        k8spspreadonlyrootfilesystem,
        k8sblocknodeport,
        gatekeeperWarningsPolicy(GATEKEEPER_TEMPLATES),
        // The stack's own sizing invariants, over the values given to the falco chart.
        redisMaxmemoryHeadroom,
        redisSnapshotStorage,
        falcoRingBuffers,
    ],
});
