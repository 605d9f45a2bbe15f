/**
 * Finds what a Falco condition refers to: macros, lists and fields. No
 * JavaScript parser for Falco's condition language exists, so this is a small
 * tokenizer and recursive-descent reader of the grammar in libsinsp's filter
 * parser (falcosecurity/libs userspace/libsinsp/filter/parser.h):
 *
 *   expr     := or
 *   or       := and ("or" and)*
 *   and      := not ("and" not)*
 *   not      := "not" not | "(" expr ")" | check
 *   check    := IDENT                                   -- a macro reference
 *             | operand UNARY_OP                        -- e.g. `fd.name exists`
 *             | operand BINARY_OP value
 *             | operand LIST_OP ( "(" item ("," item)* ")" | IDENT )
 *   operand  := FIELD | TRANSFORMER "(" operand ")"
 *   value    := STRING | WORD | "val" "(" FIELD ")" | TRANSFORMER "(" ... ")"
 *   item     := STRING | WORD                           -- a WORD naming a list expands it
 *
 * It validates references, not semantics (types, event types): Falco does that.
 */

export interface ConditionReferences {
    macros: string[];
    /** Bare words inside list operands: a defined list, or else a literal value. */
    listCandidates: string[];
    fields: string[];
    /** Syntax problems; empty when the condition reads. */
    errors: string[];
}

const UNARY_OPERATORS = new Set(["exists"]);
const LIST_OPERATORS = new Set(["in", "intersects", "pmatch"]);
const BINARY_OPERATORS = new Set([
    "=", "==", "!=", "<", "<=", ">", ">=",
    "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "regex",
]);
const TRANSFORMERS = new Set(["tolower", "toupper", "b64", "basename", "len"]);
const KEYWORDS = new Set(["and", "or", "not"]);

/** Macro and list names, as Falco's rule loader requires them. */
export const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A field: class.name[.more], optionally with an argument in brackets. */
const FIELD = /^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)+(\[[^\]]*\])?$/;

type Token = { kind: "string" | "word" | "op" | "(" | ")" | ","; text: string };

export function tokenize(condition: string): { tokens: Token[]; error?: string } {
    const tokens: Token[] = [];
    const pattern = /\s+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\(|\)|,|!=|==|<=|>=|=|<|>|(?:[^\s(),=<>!"'\[]|\[[^\]]*\])+/y;
    let at = 0;
    while (at < condition.length) {
        pattern.lastIndex = at;
        const match = pattern.exec(condition);
        if (!match || match[0].length === 0) {
            return { tokens, error: `unexpected character ${JSON.stringify(condition[at])} at offset ${at}` };
        }
        const text = match[0];
        at += text.length;
        if (/^\s/.test(text)) continue;
        if (text === "(" || text === ")" || text === ",") tokens.push({ kind: text, text });
        else if (text.startsWith('"') || text.startsWith("'")) tokens.push({ kind: "string", text });
        else if (/^[=<>!]/.test(text)) tokens.push({ kind: "op", text });
        else tokens.push({ kind: "word", text });
    }
    return { tokens };
}

class ConditionReader {
    private at = 0;
    readonly refs: ConditionReferences = { macros: [], listCandidates: [], fields: [], errors: [] };

    constructor(private readonly tokens: Token[]) {}

    read(): ConditionReferences {
        if (this.tokens.length === 0) {
            this.refs.errors.push("empty condition");
            return this.refs;
        }
        this.expr();
        if (this.at < this.tokens.length) {
            this.fail(`unexpected ${JSON.stringify(this.tokens[this.at].text)}`);
        }
        return this.refs;
    }

    private peek(offset = 0): Token | undefined {
        return this.tokens[this.at + offset];
    }
    private isWord(token: Token | undefined, text: string): boolean {
        return token !== undefined && token.kind === "word" && token.text === text;
    }
    private fail(message: string): never {
        throw new ConditionSyntaxError(message);
    }
    private expect(kind: Token["kind"]): Token {
        const token = this.peek();
        if (!token || token.kind !== kind) {
            this.fail(`expected ${JSON.stringify(kind)} but found ${token ? JSON.stringify(token.text) : "the end"}`);
        }
        this.at++;
        return token;
    }

    private expr(): void {
        this.and();
        while (this.isWord(this.peek(), "or")) {
            this.at++;
            this.and();
        }
    }
    private and(): void {
        this.not();
        while (this.isWord(this.peek(), "and")) {
            this.at++;
            this.not();
        }
    }
    private not(): void {
        const token = this.peek();
        if (this.isWord(token, "not")) {
            this.at++;
            this.not();
        } else if (token?.kind === "(") {
            this.at++;
            this.expr();
            this.expect(")");
        } else {
            this.check();
        }
    }

    private check(): void {
        const first = this.peek();
        if (!first || first.kind !== "word" || KEYWORDS.has(first.text)) {
            this.fail(`expected a macro, a field or "(" but found ${first ? JSON.stringify(first.text) : "the end"}`);
        }
        const next = this.peek(1);
        const followedByOperator = next !== undefined && (next.kind === "op" || (next.kind === "word" && (UNARY_OPERATORS.has(next.text) || LIST_OPERATORS.has(next.text) || BINARY_OPERATORS.has(next.text))));
        if (!followedByOperator && !(TRANSFORMERS.has(first.text) && next?.kind === "(")) {
            // A bare identifier where a check is expected names a macro.
            if (!IDENTIFIER.test(first.text)) {
                this.fail(`${JSON.stringify(first.text)} is neither a macro name nor followed by an operator`);
            }
            this.refs.macros.push(first.text);
            this.at++;
            return;
        }
        this.operand();
        const operator = this.peek();
        if (!operator || (operator.kind !== "op" && operator.kind !== "word")) {
            this.fail(`expected an operator after the field but found ${operator ? JSON.stringify(operator.text) : "the end"}`);
        }
        this.at++;
        if (UNARY_OPERATORS.has(operator.text)) return;
        if (LIST_OPERATORS.has(operator.text)) {
            this.listOperand();
            return;
        }
        if (!BINARY_OPERATORS.has(operator.text)) {
            this.fail(`unknown operator ${JSON.stringify(operator.text)}`);
        }
        this.value();
    }

    /** A field, possibly inside transformers: `tolower(proc.name)`. */
    private operand(): void {
        const token = this.expect("word");
        if (TRANSFORMERS.has(token.text) && this.peek()?.kind === "(") {
            this.at++;
            this.operand();
            this.expect(")");
            return;
        }
        if (!FIELD.test(token.text)) {
            this.fail(`${JSON.stringify(token.text)} is not a field name`);
        }
        this.refs.fields.push(token.text);
    }

    private value(): void {
        const token = this.peek();
        if (token?.kind === "string") {
            this.at++;
            return;
        }
        if (token?.kind === "word" && (token.text === "val" || TRANSFORMERS.has(token.text)) && this.peek(1)?.kind === "(") {
            // Field-to-field comparison: `proc.name = val(proc.pname)`.
            this.at += 2;
            this.operand();
            this.expect(")");
            return;
        }
        if (token?.kind === "word" && !KEYWORDS.has(token.text)) {
            this.at++;
            return;
        }
        this.fail(`expected a value but found ${token ? JSON.stringify(token.text) : "the end"}`);
    }

    private listOperand(): void {
        const token = this.peek();
        if (token?.kind === "word" && IDENTIFIER.test(token.text)) {
            this.refs.listCandidates.push(token.text);
            this.at++;
            return;
        }
        this.expect("(");
        if (this.peek()?.kind === ")") {
            this.at++;
            return;
        }
        for (;;) {
            const item = this.peek();
            if (item?.kind === "string") {
                this.at++;
            } else if (item?.kind === "word") {
                if (IDENTIFIER.test(item.text)) this.refs.listCandidates.push(item.text);
                this.at++;
            } else {
                this.fail(`expected a list item but found ${item ? JSON.stringify(item.text) : "the end"}`);
            }
            if (this.peek()?.kind === ",") {
                this.at++;
                continue;
            }
            this.expect(")");
            return;
        }
    }
}

class ConditionSyntaxError extends Error {}

/** Every macro, list candidate and field a condition refers to, or why it does not read. */
export function conditionReferences(condition: string): ConditionReferences {
    const { tokens, error } = tokenize(condition);
    if (error) {
        return { macros: [], listCandidates: [], fields: [], errors: [error] };
    }
    const reader = new ConditionReader(tokens);
    try {
        return reader.read();
    } catch (err) {
        if (err instanceof ConditionSyntaxError) {
            return { ...reader.refs, errors: [err.message] };
        }
        throw err;
    }
}

/** Fields an output string formats: `%proc.name`, `%proc.aname[2]`. */
export function outputFields(output: string): string[] {
    const fields: string[] = [];
    for (const match of output.matchAll(/%([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)+)(\[[^\]]*\])?/g)) {
        fields.push(match[1] + (match[2] ?? ""));
    }
    return fields;
}
