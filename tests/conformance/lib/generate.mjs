export function generateScenarios(seed, count) { return []; }
