/**
 * The real side of the `kpath show` byte-compatibility tests (issue 7 §3): build each lab of
 * src/core/app/testing/views.ts with `kpath lab` (labUp), list every view with the real tool
 * in its namespace, probe and list `conntrack -L`, and write it all under
 * src/core/app/testdata/views/. Root only; the namespaces are kpath-vf<pid><n>-…, torn down
 * at the end (labDown). The root namespace is never touched.
 *
 *   npx tsx scripts/gen-view-fixtures.ts
 *
 * Writes per lab `<tag>/<check name>` (the real listing, as printed), `<tag>/conntrack.<probe>.
 * <node>.txt`, `<tag>/lab.json` (the namespace prefix and the trace branch each probe matched),
 * and `versions.txt` (the tools and the kernel).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NodeExecer } from '../src/adapters/node/execer.js'
import { labDown } from '../src/adapters/node/lab/index.js'
import { VIEW_LABS } from '../src/core/app/testing/views.js'
import { captureLab } from '../test/views/capture.js'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/core/app/testdata/views')

const VERSIONS: readonly (readonly string[])[] = [
  ['uname', '-r'],
  ['ip', '-V'],
  ['iptables-legacy', '--version'],
  ['iptables-nft', '--version'],
  ['nft', '--version'],
  ['ipset', '--version'],
  ['conntrack', '--version'],
  ['sysctl', '--version'],
]

async function versions(execer: NodeExecer): Promise<string> {
  const lines: string[] = []
  for (const argv of VERSIONS) {
    const r = await execer.run(argv, { allowFailure: true })
    lines.push(`${argv.join(' ')}: ${(r.stdout || r.stderr).trim().split('\n')[0]}`)
  }
  return `${lines.join('\n')}\n`
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('gen-view-fixtures: needs root (lab namespaces)')
  const execer = new NodeExecer()
  let n = 0
  for (const lab of VIEW_LABS) {
    const id = `vf${process.pid.toString(36)}${++n}`
    const dir = join(OUT, lab.tag)
    try {
      const got = await captureLab(execer, lab, id)
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      for (const [name, text] of Object.entries(got.outputs)) writeFileSync(join(dir, name), text)
      const branches: Record<string, number> = {}
      for (const [probe, p] of Object.entries(got.probes)) {
        branches[probe] = p.branch
        for (const [node, text] of Object.entries(p.listings))
          writeFileSync(join(dir, `conntrack.${probe}.${node}.txt`), text)
      }
      const meta = { file: lab.file, prefix: got.prefix, branches }
      writeFileSync(join(dir, 'lab.json'), `${JSON.stringify(meta, null, 2)}\n`)
      console.log(
        `${lab.tag}: ${Object.keys(got.outputs).length} views, ${lab.probes.length} probes`,
      )
    } finally {
      await labDown(execer, id).catch(() => undefined)
    }
  }
  writeFileSync(join(OUT, 'versions.txt'), await versions(execer))
}

await main()
