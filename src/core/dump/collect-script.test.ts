/**
 * The collect script: it names every dump file, only runs listing commands, is valid POSIX sh
 * (dash -n / sh -n), and, live in a throw-away namespace (`kpath-h7-<pid>-…`, root only), writes
 * a dump kpath reads, leaving out the files of commands that are missing (not empty files).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readDumpDir } from '../../adapters/node/dump-dir.js'
import { collectScript, shellQuote } from './collect-script.js'
import { DUMP_FILES } from './files.js'
import { parseDump } from './read.js'

const script = collectScript()

describe('the collect script', () => {
  it('collects every dump file, each with its documented command', () => {
    for (const f of DUMP_FILES) expect(script).toContain(`collect ${f.name} `)
    expect(script).toContain("collect sysctl.txt '^net\\.' sysctl -a")
    expect(script).toContain('if [ -e /proc/net/ip_vs ]; then collect ipvsadm.txt - ipvsadm -Sn;')
  })
  it('runs only listing commands', () => {
    const commands = DUMP_FILES.map((f) => f.argv.join(' '))
    for (const c of commands) expect(c).not.toMatch(/ (add|del|set|flush|restore|-[ADIFXNw]) /)
  })
  it('is valid POSIX sh', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kpath-collect-')), 'collect.sh')
    writeFileSync(file, script)
    expect(() => execFileSync('sh', ['-n', file])).not.toThrow()
  })
  it('quotes words for sh', () => {
    expect(shellQuote('^net\\.')).toBe("'^net\\.'")
    expect(shellQuote("it's")).toBe("'it'\\''s'")
    expect(shellQuote('-j')).toBe('-j')
  })
})

const skip =
  process.getuid?.() !== 0 ? 'not root: network namespaces need CAP_SYS_ADMIN' : undefined
const made: string[] = []
afterAll(() => {
  for (const ns of made) execFileSync('ip', ['netns', 'del', ns])
})

describe.skipIf(skip !== undefined)(`live${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('writes a dump kpath reads; a missing command leaves its file out', async () => {
    const ns = `kpath-h7-${process.pid}-collect`
    execFileSync('ip', ['netns', 'add', ns])
    made.push(ns)
    const tmp = mkdtempSync(join(tmpdir(), 'kpath-collect-'))
    const file = join(tmp, 'collect.sh')
    writeFileSync(file, script)
    // A PATH without ipset, conntrack or nft: those files must be absent, and the log says why.
    const bin = join(tmp, 'bin')
    execFileSync('mkdir', [bin])
    const tools = [
      'sh',
      'ip',
      'bridge',
      'hostname',
      'mkdir',
      'mv',
      'rm',
      'grep',
      'head',
      'tr',
      'date',
      'sed',
      'tar',
      'gzip',
      'dirname',
      'basename',
      'sysctl',
      'iptables-save',
      'ip6tables-save',
      'uname',
      'cat',
    ]
    for (const t of tools) {
      const where = execFileSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim()
      symlinkSync(where, join(bin, t))
    }
    const out = join(tmp, 'dump')
    execFileSync('ip', ['netns', 'exec', ns, 'env', `PATH=${bin}`, 'sh', file, out], {
      stdio: 'ignore',
    })
    const names = readdirSync(out)
    for (const absent of ['ipset-save.txt', 'conntrack.txt', 'nft-ruleset.txt'])
      expect(names).not.toContain(absent)
    expect(readFileSync(join(out, 'collect.log'), 'utf8')).toContain(
      'skipped ipset-save.txt: ipset not found',
    )
    const d = parseDump(new Map(names.map((n) => [n, readFileSync(join(out, n), 'utf8')])), out)
    expect(d.present).toContain('ip-link.json')
    expect(d.links?.map((l) => l.link.name)).toEqual(['lo'])
    expect(d.sysctls?.every((s) => s.name.startsWith('net.'))).toBe(true)
    expect(readdirSync(tmp)).toContain('dump.tar.gz')
    // The tarball it wrote reads back as the folder (core/dump/archive.ts, gunzip by node:zlib).
    const folder = new Map(names.map((n) => [n, readFileSync(join(out, n), 'utf8')]))
    expect(await readDumpDir(join(tmp, 'dump.tar.gz'))).toEqual(folder)
    rmSync(tmp, { recursive: true, force: true })
  })
})
