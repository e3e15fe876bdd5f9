export { parseIsoDurationMs, parseIsoDurationMinutes, formatIsoDurationMinutes } from './isoDuration';
export { constraintsFromRules, PIM_MIN_ACTIVATION_MINUTES, PIM_DEFAULT_MAX_ACTIVATION_MINUTES } from './constraints';
export { ruleKindOf, findEndUserRule, END_USER_RULE_IDS, type RuleKind } from './rules';
