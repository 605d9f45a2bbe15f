import { parseStackConfig, StackConfig } from "./config/stackConfig";
import { falcoValues, FalcoChartValues } from "./falcoValues";
import { computeFootprint, Footprint, footprintSizing } from "./footprint";
import { FalcoRules, loadFalcoRules } from "./rules";

/** Everything the stack declares is built from this: validated configuration, checked rules, chart values, footprint. */
export interface StackPlan {
    config: StackConfig;
    rules: FalcoRules;
    values: FalcoChartValues;
    footprint: Footprint;
}

/**
 * The program's own work before it declares anything, from the engine's configuration (every value a
 * string). Throws a UserInputError on a bad value or a rules file that would stop Falco from starting,
 * so that nothing is declared. Reads rules/ and the Gatekeeper constraints; declares nothing.
 */
export function planStack(engineConfig: Record<string, string>): StackPlan {
    const config = parseStackConfig(engineConfig);
    const rules = loadFalcoRules(config);
    const values = falcoValues(config, rules);
    return { config, rules, values, footprint: computeFootprint(values, footprintSizing(config)) };
}
