/**
 * @module bench/cases/lab-up-3x6
 * lab up, 3 nodes, 6 pods (a flannel host-gw cluster, bench/lab-kit.ts): median of 3 runs. Target ≤ 1000 ms
 * (issue 5). The reference is bench/lab-shell.sh doing the same work one command at a time.
 */
import { labBenchmark } from '../lab-kit.js'

export default labBenchmark('up', 3, 6, 1000)
