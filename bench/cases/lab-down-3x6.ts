/**
 * @module bench/cases/lab-down-3x6
 * lab down, 3 nodes, 6 pods (a flannel host-gw cluster, bench/lab-kit.ts): median of 3 runs. Target ≤ 200 ms
 * (issue 5). The reference is bench/lab-shell.sh doing the same work one command at a time.
 */
import { labBenchmark } from '../lab-kit.js'

export default labBenchmark('down', 3, 6, 200)
