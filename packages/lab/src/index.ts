export { builtInClients } from './built-in-clients.ts';
export type {
  ChatRequest,
  ClientCall,
  ClientContext,
  ClientEntry,
  ClientFactory,
  LabEvent,
} from './client.ts';
export { compressedOpenAI, realTimeHints } from './compressed-openai.ts';
export { failureLabel } from './failure-label.ts';
export {
  type ClientResult,
  DEFAULT_TIME_SCALE,
  type LabOptions,
  type LabResult,
  runLab,
  type ScenarioProgress,
  type ScenarioResult,
} from './lab.ts';
export { loadClient, loadScenarios } from './load-modules.ts';
export { type ProgressSink, progressPrinter } from './progress.ts';
export { renderReport } from './report-html.ts';
export { reportJson } from './report-json.ts';
export { type FormatTablesOptions, formatTables } from './report-text.ts';
export type { CallOutcome, ClientProgress, ClientRun } from './run-client.ts';
export { type ScaledClock, type ScaledClockOptions, scaledClock } from './scaled-clock.ts';
export {
  defineScenario,
  type LoadPhase,
  type LoadSpec,
  type ResolvedScenario,
  type Scenario,
  type ScenarioChange,
  type ScenarioServer,
} from './scenario.ts';
export { builtInScenarios } from './scenarios.ts';
export type { ClientSummary, Percentiles } from './summary.ts';
export { checkThresholds, parseThreshold, type Threshold, type ThresholdMiss } from './thresholds.ts';
export type { ScenarioOverrides } from './tune.ts';
