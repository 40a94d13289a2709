/**
 * @module core/explain
 * `kpath explain`: the cause of a failing trace in Kubernetes terms, with verified fixes
 * (README.md beside this file lists the causes).
 */
export { DETECTORS } from './detectors/index.js'
export { explainBetween } from './explain.js'
export { explainText } from './text.js'
export type {
  CauseId,
  Evidence,
  ExplainOptions,
  ExplainReport,
  Finding,
  FixCandidate,
  VerifiedFix,
} from './types.js'
