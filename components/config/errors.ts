import * as pulumi from "@pulumi/pulumi";

/**
 * A mistake the user can make in stack configuration or in a file the program reads.
 * It extends pulumi.RunError so that `pulumi preview` prints the message alone,
 * without the program's source and stack trace; the offline render does the same.
 */
export class UserInputError extends pulumi.RunError {
    constructor(readonly problems: readonly string[], heading = "invalid stack configuration") {
        super(`${heading}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "UserInputError";
    }

    static isUserInputError(err: unknown): err is UserInputError {
        return err instanceof Error && err.name === "UserInputError" && Array.isArray((err as UserInputError).problems);
    }
}

/**
 * Collects every problem in one pass, so a user fixes all of them at once
 * instead of one per preview.
 */
export class ProblemList {
    private readonly problems: string[] = [];

    add(problem: string): void {
        this.problems.push(problem);
    }

    get count(): number {
        return this.problems.length;
    }

    /** Throws a UserInputError when anything was added. */
    throwIfAny(heading?: string): void {
        if (this.problems.length > 0) {
            throw new UserInputError([...this.problems], heading);
        }
    }
}

/** How a value is quoted in messages: strings in quotes, the rest as JSON. */
export function show(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    return JSON.stringify(value);
}
