// The sandbox's one entry: what the product's commands may use of it.
export { compareRecording, type CompareReport } from './reality/replay.js';
export { formatDifference } from './reality/shape.js';
export { generatedSeed, parseSeed, type OktaSeed } from './okta/seed.js';
export { SandboxPortError, startSandbox, type Sandbox, type SandboxOptions } from './sandbox.js';
export type { SandboxTiming } from './timing.js';
export { sandboxFleetConfig } from './fleet-config.js';
export { pairwiseVariants, parseVariants, type SandboxVariants } from '../lib/sandbox-variants.js';
