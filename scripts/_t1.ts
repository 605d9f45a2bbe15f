import { runProgram, resolveConfig, PROJECT_ROOT } from "./mockRuntime";
import * as path from "path";
(async () => {
  const cfg = resolveConfig(path.join(PROJECT_ROOT, "Pulumi.homelab.yaml"));
  const a = await runProgram(cfg, "homelab", path.join(PROJECT_ROOT, "bin/index.js"));
  console.log(a.resources.length, Object.keys(a.outputs));
})().catch(e => { console.error("ERR", e.message); process.exit(1); });
