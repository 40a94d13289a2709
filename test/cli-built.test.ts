/**
 * The CLI as shipped: `npm run build` once, then the built `dist/cli/main.js` runs in a shell
 * from another directory, as an installed `kpath` would. Checked: `--version`, `--help` of
 * every command and subcommand ends with examples, exit codes 0/1/2, bad input reported in one
 * located message without a stack trace, NO_COLOR on a terminal (through `script`, which
 * gives the command a pseudo-terminal), `--quiet`, and the lab's Python servers found in dist.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { POD_TO_WEB } from './support/cli.js'
import { REPO_ROOT } from './support/shared.js'

const BIN = join(REPO_ROOT, 'dist/cli/main.js')
const CWD = mkdtempSync(join(tmpdir(), 'kpath-built-'))
const VXLAN = join(REPO_ROOT, 'examples/clusters/flannel-vxlan.yaml')
const S003 = join(REPO_ROOT, 'examples/seeds/003-flannel-udp-rp-filter.yaml')

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`

/** `kpath ARGS…` typed into sh, in a directory outside the repository. */
function kpath(args: readonly string[], env: Record<string, string> = { NO_COLOR: '1' }): Run {
  const r = spawnSync('sh', ['-c', `${quote(BIN)} ${args.map(quote).join(' ')}`], {
    cwd: CWD,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** No Node stack frames or internal paths leak into a user-facing message. */
function noStack(text: string): void {
  expect(text).not.toMatch(/^\s+at /m)
  expect(text).not.toContain('node:internal')
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'pipe' })
}, 180_000)

describe('the built kpath', () => {
  it('prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string
    }
    const r = kpath(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${pkg.version}\n`)
  })

  it('ends the --help of every command and subcommand with examples', () => {
    const seen: string[] = []
    const walk = (path: readonly string[]) => {
      const r = kpath([...path, '--help'])
      expect(r.code, `${path.join(' ')} --help`).toBe(0)
      expect(r.stdout, `kpath ${path.join(' ')} --help`).toMatch(/\nExamples:\n {2}\S/)
      seen.push(path.join(' '))
      const commands = r.stdout.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? ''
      for (const m of commands.matchAll(/^ {2}([a-z][a-z0-9-]*)/gm))
        if (m[1] !== 'help') walk([...path, m[1] ?? ''])
    }
    walk([])
    for (const c of ['trace', 'explain', 'show', 'iptables trace', 'iptables save', 'lab up'])
      expect(seen).toContain(c)
    expect(seen.length).toBeGreaterThanOrEqual(14)
  })

  it('exits 0 for a delivered trace and for printed output', () => {
    const t = kpath(['trace', VXLAN, '--from', 'node/alpha', '--to', 'svc/default/web'])
    expect(t.code).toBe(0)
    expect(t.stdout).toContain('branch 1 of 3')
    const s = kpath(['show', 'routes', VXLAN, '--node', 'beta'])
    expect(s.code).toBe(0)
    expect(s.stdout).toContain('10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink \n')
  })

  it('exits 1 when the packet is not delivered (seed 003: rp_filter), trace and explain', () => {
    const refs = ['--from', 'node/slave1', '--to', 'svc/default/heapster']
    const t = kpath(['trace', S003, ...refs])
    expect(t.code).toBe(1)
    expect(t.stdout).toContain('rp_filter')
    const x = kpath(['explain', S003, ...refs])
    expect(x.code).toBe(1)
    expect(x.stdout).toContain('rp_filter=1 on node slave2')
  })

  it('exits 2 on bad input with one located message and no stack trace', () => {
    const bad = join(CWD, 'svc.yaml')
    writeFileSync(
      bad,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 99999\n',
    )
    const cases: { args: string[]; says: string | RegExp }[] = [
      { args: ['show', 'iptables', bad], says: `${bad}:7:` },
      { args: ['trace', join(CWD, 'missing.yaml'), '--from', 'a', '--to', 'b'], says: 'missing' },
      { args: ['show', 'routes', VXLAN, '--node', 'gamma'], says: 'nodes in the input: alpha' },
      { args: ['trace', VXLAN, '--from', 'node/alpha'], says: /--to/ },
      { args: ['no-such-command'], says: /unknown command/ },
      { args: ['show', 'routes', VXLAN, '--bogus'], says: /unknown option '--bogus'/ },
    ]
    for (const c of cases) {
      const r = kpath(c.args)
      expect(r.code, c.args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(c.says)
      expect(r.stdout).toBe('')
      noStack(r.stderr)
    }
  })

  // util-linux `script` gives the command a pseudo-terminal; without it there is none to test.
  const noScript = spawnSync('sh', ['-c', 'command -v script']).status !== 0
  it.skipIf(noScript)(
    `honours NO_COLOR on a terminal${noScript ? ' (skipped: no script(1))' : ''}`,
    () => {
      const cmd = `${quote(BIN)} trace ${quote(VXLAN)} --from node/alpha --to svc/default/web`
      const tty = (env: Record<string, string>) =>
        spawnSync('script', ['-qec', cmd, '/dev/null'], {
          cwd: CWD,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', ...env },
        }).stdout
      expect(tty({})).toContain('\u001b[1m')
      const plain = tty({ NO_COLOR: '1' })
      expect(plain).toContain('trace node/alpha -> svc/default/web')
      expect(plain).not.toContain('\u001b[')
    },
  )

  it('--quiet keeps one line per branch, for trace and iptables trace', () => {
    const t = kpath(['trace', VXLAN, '--from', 'node/alpha', '--to', 'svc/default/web', '-q'])
    expect(t.code).toBe(0)
    expect(t.stdout.trim().split('\n')).toHaveLength(3)
    expect(t.stderr).toBe('')
    const i = kpath([...POD_TO_WEB, '--quiet'])
    expect(i.code).toBe(0)
    expect(i.stdout).toBe(
      [
        'branch 1 (p=0.333333): ACCEPT: forwarded out eth0 as tcp 10.244.1.9:40000 > 10.244.1.5:8080 [SYN] ttl 63 (DNAT to 10.244.1.5:8080)',
        'branch 2 (p=0.333333): ACCEPT: forwarded out eth0 as tcp 10.244.1.9:40000 > 10.244.1.6:8080 [SYN] ttl 63 (DNAT to 10.244.1.6:8080)',
        'branch 3 (p=0.333333): ACCEPT: forwarded out eth0 as tcp 10.244.1.9:40000 > 10.244.2.7:8080 [SYN] ttl 63 (DNAT to 10.244.2.7:8080)',
        '',
      ].join('\n'),
    )
  })

  it("ships the lab's Python servers where the built lab looks for them", () => {
    const dir = join(REPO_ROOT, 'dist/adapters/node/lab/servers')
    for (const f of ['labd.py', 'probe.py', 'sysctl.py'])
      expect(existsSync(join(dir, f))).toBe(true)
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(REPO_ROOT, 'dist/adapters/node/lab/daemon.js'))}); console.log(m.serverScript('labd.py'))`,
      ],
      { cwd: CWD, encoding: 'utf8' },
    )
    expect(r.stdout.trim()).toBe(join(dir, 'labd.py'))
  })
})
