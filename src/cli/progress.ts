/**
 * @module cli/progress
 * A one-line progress display on stderr for work that takes more than about a second (big
 * clusters, imports). It draws only when stderr is a terminal and --quiet is off, so pipes and
 * files never see it, and it erases itself before the result is printed. Stages are reported
 * by the library (synchronous work cannot be interrupted by a timer), and a stage is drawn
 * only once the command has run for a second.
 */

export interface Progress {
  /** The work now under way (`assembling 42 namespaces`). */
  stage(label: string): void
  /** Erase the line; call before printing results. */
  done(): void
}

const QUIET: Progress = { stage: () => {}, done: () => {} }
const DELAY_MS = 1000

export function progress(stream: NodeJS.WriteStream, quiet: boolean): Progress {
  if (quiet || stream.isTTY !== true) return QUIET
  const start = Date.now()
  let current = ''
  let drawn = false
  const draw = () => {
    if (current === '' || Date.now() - start < DELAY_MS) return
    const secs = ((Date.now() - start) / 1000).toFixed(1)
    stream.write(`\r\u001b[Kkpath: ${current}… ${secs}s`)
    drawn = true
  }
  // While the event loop is free (file reads), keep the elapsed time ticking.
  const timer = setInterval(draw, 250)
  timer.unref()
  return {
    stage(label) {
      current = label
      draw()
    },
    done() {
      clearInterval(timer)
      if (drawn) stream.write('\r\u001b[K')
      drawn = false
    },
  }
}
