/**
 * @module cli/output
 * Terminal output: colour only on a TTY and never when NO_COLOR is set.
 */
import pc from 'picocolors'
import { type Palette, PLAIN } from '../core/app/trace-text.js'

export function palette(stream: NodeJS.WriteStream): Palette {
  const enabled = stream.isTTY === true && !('NO_COLOR' in process.env)
  if (!enabled) return PLAIN
  return {
    dim: pc.dim,
    bold: pc.bold,
    green: pc.green,
    red: pc.red,
    yellow: pc.yellow,
    cyan: pc.cyan,
  }
}
