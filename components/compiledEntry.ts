/**
 * The compiled program's entry: `npm run build` bundles it into bin/index.js, the
 * `main` that Pulumi.yaml gives Pulumi. The guard comes first: a bundle older than
 * its sources stops the run before the program declares anything.
 */
import "./buildGuard";

export * from "../index";
