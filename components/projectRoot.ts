import * as fs from "fs";
import * as path from "path";

/** The file that marks the project folder: Pulumi reads it there, and so do we. */
export const PROJECT_FILE = "Pulumi.yaml";

/**
 * The nearest folder at or above `start` that holds Pulumi.yaml. Found rather than
 * counted in `..` steps because the same modules run from their sources (tests, the
 * policy pack, the render) and bundled into bin/index.js, whose __dirname is bin/.
 */
export function findProjectRoot(start: string): string {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, PROJECT_FILE))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no ${PROJECT_FILE} in ${start} or any folder above it: the program must run from inside its project folder`);
        }
    }
}

/** The project folder: data files (rules/, policies/constraints/) and relative configuration paths are read from here. */
export const PROJECT_ROOT = findProjectRoot(__dirname);

/** A path inside the project folder. */
export function projectPath(...segments: string[]): string {
    return path.join(PROJECT_ROOT, ...segments);
}
