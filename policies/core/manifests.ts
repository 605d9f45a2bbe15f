import { jsYaml, yamlSyntaxError } from "../../components/jsYaml";
import { K8sObject, UnusableInputError } from "./types";

/**
 * Kubernetes objects from multi-document YAML or JSON text (`helm template`
 * output, `kubectl get -o yaml` lists). Lists are flattened. Text that is not
 * YAML makes the whole input unusable: guessing would hide a broken render.
 */
export function parseManifests(text: string, source: string): K8sObject[] {
    let documents: unknown[];
    try {
        documents = jsYaml.loadAll(text, undefined, { filename: source });
    } catch (err) {
        const syntax = yamlSyntaxError(err);
        if (!syntax) {
            throw err;
        }
        throw new UnusableInputError(`${source}: is not valid YAML${syntax.position}: ${syntax.reason}`);
    }
    const objects: K8sObject[] = [];
    documents.forEach((document, index) => collect(document, `${source}: document ${index + 1}`, objects));
    return objects;
}

function collect(value: unknown, where: string, objects: K8sObject[]): void {
    if (value === null || value === undefined) {
        return; // empty document, e.g. between two `---`
    }
    if (Array.isArray(value)) {
        value.forEach((item, i) => collect(item, `${where}[${i}]`, objects));
        return;
    }
    if (typeof value !== "object") {
        throw new UnusableInputError(`${where}: ${JSON.stringify(value)} is not a Kubernetes object; accepted: a map with apiVersion and kind`);
    }
    const object = value as K8sObject;
    if (typeof object.kind === "string" && object.kind.endsWith("List") && Array.isArray(object.items)) {
        object.items.forEach((item: unknown, i: number) => collect(item, `${where}.items[${i}]`, objects));
        return;
    }
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
        throw new UnusableInputError(`${where}: a Kubernetes object needs string apiVersion and kind; got apiVersion ${JSON.stringify(object.apiVersion)}, kind ${JSON.stringify(object.kind)}`);
    }
    objects.push(object);
}
