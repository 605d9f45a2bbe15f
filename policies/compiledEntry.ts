/**
 * The compiled pack's entry: `npm run build` bundles it into policies/bin/index.js,
 * the `main` of policies/package.json. The guard comes first: a pack older than its
 * sources refuses to start, rather than judge a preview by rules the checkout no
 * longer has.
 */
import "../components/buildGuard";

import "./index";
