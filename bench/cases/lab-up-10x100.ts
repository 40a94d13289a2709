/**
 * @module bench/cases/lab-up-10x100
 * lab up, 10 nodes, 100 pods (a flannel host-gw cluster, bench/lab-kit.ts): median of 3 runs. Target ≤ 5000 ms
 * (issue 5). The reference is bench/lab-shell.sh doing the same work one command at a time.
 */
import { defineBenchmark } from '../case.js'
import { timeLab } from '../lab-kit.js'

export default defineBenchmark({
  name: 'lab-up-10x100',
  target: { description: '≤ 5000 ms', maxValue: 5000 },
  async run(ctx) {
    const t = await timeLab(ctx, 10, 100)
    const ours = t.upMs
    const shell = t.shellUpMs
    return {
      value: ours,
      unit: 'ms',
      reference: { label: 'bench/lab-shell.sh up (same topology)', value: shell, unit: 'ms' },
      ratio: ours / shell,
      details: {
        namespaces: String(t.namespaces),
        'lab up / down': `${t.upMs.toFixed(0)} / ${t.downMs.toFixed(0)} ms`,
        'shell up / down': `${t.shellUpMs.toFixed(0)} / ${t.shellDownMs.toFixed(0)} ms`,
      },
    }
  },
})
