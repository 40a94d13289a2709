/**
 * @module core/iproute2/batch
 * Model → `ip -batch` / `bridge -batch` commands that build a namespace for real (the lab and
 * the conformance tests use them). See {@link batchPlan} for the run order.
 */
export {
  defaultRule,
  kernelAddress,
  kernelFdb,
  kernelRoute,
  linkLocalOf,
} from './batch/kernel-made.js'
export { configureLines, createLines } from './batch/links.js'
export { type BatchPlan, batchPlan, routeLine, ruleLine } from './batch/plan.js'
