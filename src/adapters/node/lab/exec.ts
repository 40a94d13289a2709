/**
 * @module adapters/node/lab/exec
 * `kpath lab exec NAME REF -- CMD…`: an interactive command (tcpdump, ping, curl, a shell) in a
 * lab namespace, with the terminal attached; resolves with its exit code.
 */
import { spawn } from 'node:child_process'
import { KpathError } from '../../../core/errors.js'

export function labExec(netns: string, argv: readonly string[]): Promise<number> {
  if (argv.length === 0)
    throw new KpathError('KPATH_INVALID_ARGUMENT', 'no command to run', {
      hint: 'kpath lab exec NAME REF -- ip route',
    })
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: 'inherit' })
    child.on('error', (e) =>
      reject(new KpathError('KPATH_EXEC', `cannot run ip netns exec: ${e.message}`)),
    )
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}
