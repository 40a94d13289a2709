/**
 * @module bench/cases/lab-up-10x100
 * lab up, 10 nodes, 100 pods (a flannel host-gw cluster, bench/lab-kit.ts): median of 3 runs. Target ≤ 5000 ms
 * (issue 5). The reference is bench/lab-shell.sh doing the same work one command at a time.
 */
import { labBenchmark } from '../lab-kit.js'

export default labBenchmark('up', 10, 100, 5000)
