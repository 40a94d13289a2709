/**
 * Shell helpers for gen-conntrack-fixtures.ts: run commands (inside lab namespaces only),
 * make kpath-h4-<pid>-* (or kpath-h6-<pid>-* for the SCTP part) namespaces and delete them
 * again, write fixtures.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'src/core/conntrack/testdata')
export const INJECT = join(ROOT, 'scripts/gen-conntrack-fixtures.inject.py')
export const PREFIX = `kpath-h4-${process.pid}`
const created: string[] = []
let nsTag = 'h4'

/** Name the namespaces made from now on kpath-<tag>-<pid>-* (the SCTP part uses h6). */
export function useNsTag(tag: string): void {
  nsTag = tag
}

export function run(argv: readonly string[], input?: string): string {
  const [cmd, ...args] = argv
  if (!cmd) throw new Error('empty command')
  return execFileSync(cmd, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
}

export function inNs(ns: string, argv: readonly string[], input?: string): string {
  return run(['ip', 'netns', 'exec', ns, ...argv], input)
}

export function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export function addNs(suffix: string): string {
  const name = `kpath-${nsTag}-${process.pid}-${suffix}`
  run(['ip', 'netns', 'add', name])
  created.push(name)
  // Explicit, not inherited from the root netns (devconf_inherit_init_net=0).
  inNs(name, [
    'sysctl',
    '-qw',
    'net.ipv6.conf.all.disable_ipv6=1',
    'net.ipv6.conf.default.disable_ipv6=1',
  ])
  inNs(name, ['sysctl', '-qw', 'net.ipv4.ip_forward=0', 'net.ipv4.conf.all.rp_filter=0'])
  inNs(name, ['sysctl', '-qw', 'net.ipv4.conf.default.rp_filter=0'])
  inNs(name, ['ip', 'link', 'set', 'lo', 'up'])
  return name
}

export function cleanup(): void {
  for (const ns of created.reverse()) {
    const pids = run(['ip', 'netns', 'pids', ns]).split(/\s+/).filter(Boolean)
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL')
    run(['ip', 'netns', 'del', ns])
  }
}

export function write(name: string, text: string): void {
  mkdirSync(dirname(join(OUT, name)), { recursive: true })
  writeFileSync(join(OUT, name), text)
  console.log(`wrote ${name}`)
}
