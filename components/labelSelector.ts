/**
 * Kubernetes label selectors (metav1.LabelSelector), as NetworkPolicies and
 * Gatekeeper's `match` use them: one implementation for both evaluators.
 */
export type Labels = Record<string, string>;

export interface LabelSelectorRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
}

export interface LabelSelector {
    matchLabels?: Labels;
    matchExpressions?: LabelSelectorRequirement[];
}

/** True when `labels` satisfy every requirement; an absent or empty selector selects everything. */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
    if (!selector) {
        return true;
    }
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
        if (labels[key] !== value) {
            return false;
        }
    }
    for (const requirement of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
        const values = requirement.values ?? [];
        switch (requirement.operator) {
            case "In":
                if (!has || !values.includes(labels[requirement.key])) return false;
                break;
            case "NotIn":
                // An object without the key satisfies NotIn (Kubernetes label selector semantics).
                if (has && values.includes(labels[requirement.key])) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                throw new Error(`unknown label selector operator ${JSON.stringify((requirement as LabelSelectorRequirement).operator)}`);
        }
    }
    return true;
}
