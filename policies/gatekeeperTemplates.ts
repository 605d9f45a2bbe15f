import { rule as allowedRepos } from "./k8sallowedrepos";
import { rule as blockNodePort } from "./k8sblocknodeport";
import { rule as containerLimits } from "./k8scontainerlimits";
import { rule as containerRatios } from "./k8scontainerratios";
import { rule as containerRequests } from "./k8scontainerrequests";
import { rule as disallowedTags } from "./k8sdisallowedtags";
import { rule as allowPrivilegeEscalation } from "./k8spspallowprivilegeescalationcontainer";
import { rule as capabilities } from "./k8spspcapabilities";
import { rule as hostFilesystem } from "./k8spsphostfilesystem";
import { rule as hostNamespace } from "./k8spsphostnamespace";
import { rule as privilegedContainer } from "./k8spspprivilegedcontainer";
import { rule as readOnlyRootFilesystem } from "./k8spspreadonlyrootfilesystem";
import { rule as requiredResources } from "./k8srequiredresources";
import type { TemplateRule } from "./core/types";

/** Every gatekeeper-library template this project re-implements; the checker and the pack use this list. */
export const GATEKEEPER_TEMPLATES: readonly TemplateRule[] = [
    containerLimits,
    requiredResources,
    containerRequests,
    containerRatios,
    disallowedTags,
    allowedRepos,
    privilegedContainer,
    hostNamespace,
    hostFilesystem,
    capabilities,
    allowPrivilegeEscalation,
    readOnlyRootFilesystem,
    blockNodePort,
];

export { HOMELAB_CONSTRAINTS_DIR } from "./core/constraints";
