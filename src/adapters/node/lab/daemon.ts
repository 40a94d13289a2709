/**
 * @module adapters/node/lab/daemon
 * The lab daemon (servers/labd.py): started once per lab, detached so it outlives `lab up`,
 * and stopped by its PID. Its readiness is the `ready PID` line it prints once every socket and
 * TUN device is open; anything it reports before that is the error. This is the one place the
 * lab starts a long-running process, so it uses child_process directly rather than the Execer
 * (which runs commands to completion); {@link LabdControl} is its seam, as the Execer is the
 * seam of every other command (tests of `labUp`/`labDown` substitute both).
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { KpathError } from '../../../core/errors.js'
import type { LabdConfig } from '../../../core/lab/daemons.js'
import { alive } from './registry.js'

/** A script of servers/, next to this module, or (from dist/) in the source tree. */
export function serverScript(name: 'labd.py' | 'probe.py' | 'sysctl.py'): string {
  const here = fileURLToPath(new URL(`./servers/${name}`, import.meta.url))
  if (existsSync(here)) return here
  const src = fileURLToPath(
    new URL(`../../../../src/adapters/node/lab/servers/${name}`, import.meta.url),
  )
  if (existsSync(src)) return src
  throw new KpathError('KPATH_IO', `the lab's ${name} is missing (looked at ${here})`, {
    hint: 'reinstall kpath; the build must copy src/adapters/node/lab/servers/',
  })
}

export interface LabdHandle {
  readonly pid: number
  /** Send the configuration; resolves once labd has opened everything. */
  configure(config: LabdConfig): Promise<number>
}

/**
 * Start labd now (Python's start-up then overlaps the build) and configure it later. It waits
 * for its configuration on stdin; closing stdin without one makes it exit.
 */
export function spawnLabd(logFile: string, timeoutMs = 10_000): LabdHandle {
  const log = openSync(logFile, 'a')
  // -S: no site module; labd needs only the standard library (saves start-up time).
  const child = spawn('python3', ['-S', serverScript('labd.py')], {
    detached: true,
    stdio: ['pipe', 'pipe', log] as ['pipe', 'pipe', number],
  })
  closeSync(log)
  const { stdin, stdout } = child
  if (stdin === null || stdout === null || child.pid === undefined)
    throw new KpathError('KPATH_EXEC', 'cannot start the lab daemon (python3)')
  let out = ''
  let failed: string | undefined
  const waiters: ((why: string | undefined) => void)[] = []
  const settle = (why: string | undefined) => {
    for (const w of waiters.splice(0)) w(why)
  }
  const fail = (why: string) => {
    failed = why
    settle(why)
  }
  child.on('error', (e) => fail(e.message))
  child.on('exit', (code) => fail(`it exited with ${code}`))
  stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8')
    if (/^ready \d+$/m.test(out)) settle(undefined)
  })
  const pid = child.pid
  return {
    pid,
    configure(config) {
      stdin.end(JSON.stringify(config))
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => settle('no ready line in time'), timeoutMs)
        const done = (why: string | undefined) => {
          clearTimeout(timer)
          if (why === undefined) {
            child.removeAllListeners('exit')
            stdout.destroy()
            child.unref()
            resolve(pid)
            return
          }
          if (alive(pid)) child.kill('SIGKILL')
          readFile(logFile, 'utf8')
            .catch(() => '')
            .then((text) =>
              reject(
                new KpathError('KPATH_EXEC', `the lab daemon did not start: ${why}`, {
                  hint: text.trim().split('\n').slice(-3).join(' | ') || `see ${logFile}`,
                }),
              ),
            )
        }
        if (failed !== undefined) done(failed)
        else if (/^ready \d+$/m.test(out)) done(undefined)
        else waiters.push(done)
      })
    },
  }
}

/** Stop labd by PID, after checking that the PID is still a labd (PIDs are reused). */
export async function stopLabd(pid: number): Promise<void> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
  if (!cmdline.includes('labd.py')) return
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 5))
  if (alive(pid)) process.kill(pid, 'SIGKILL')
}

/** How a lab starts and stops its daemon. */
export interface LabdControl {
  spawn(logFile: string): LabdHandle
  /** Stop it by PID (a PID that is no longer a labd is left alone). */
  stop(pid: number): Promise<void>
}

/** The real daemon: servers/labd.py under python3. */
export const LABD: LabdControl = { spawn: (logFile) => spawnLabd(logFile), stop: stopLabd }
