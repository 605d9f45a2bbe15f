import { assertBuildCurrent } from "./buildFreshness";

// Imported first by the compiled entry, so this runs before any of the program's
// modules: bundled, __dirname is the bundle's folder (bin/), where the build
// manifest sits.
assertBuildCurrent(__dirname);
