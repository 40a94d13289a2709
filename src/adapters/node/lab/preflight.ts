/**
 * @module adapters/node/lab/preflight
 * Can this machine hold a lab? Root (network namespaces need CAP_SYS_ADMIN), the tools the
 * lab runs, and a namespace that can really be created (a container may forbid it). The
 * reason is the message `lab up` refuses with and the one live tests skip with.
 */
import type { Execer } from '../../../core/exec.js'
import type { IptablesBackend } from '../../../core/lab/plan.js'

const TOOLS = {
  legacy: ['iptables-legacy-restore', 'iptables-legacy-save'],
  nft: ['iptables-nft-restore', 'iptables-nft-save'],
} as const

/** Why a lab cannot run here, or undefined when it can. */
export async function whyNoLab(
  execer: Execer,
  backend: IptablesBackend = 'legacy',
): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'not root: network namespaces need CAP_SYS_ADMIN (run kpath lab as root)'
  for (const tool of [
    'ip',
    'bridge',
    'sysctl',
    'python3',
    'ipset',
    'nft',
    'nfacct',
    'conntrack',
    ...TOOLS[backend],
  ])
    if (!(await execer.lookPath(tool)))
      return `${tool} is not installed (scripts/install-system-deps.sh installs what the lab needs)`
  const probe = `kpath-preflight-${process.pid}`
  const r = await execer.run(['ip', 'netns', 'add', probe], { allowFailure: true })
  if (r.code !== 0) return `network namespaces cannot be created here: ${r.stderr.trim()}`
  await execer.run(['ip', 'netns', 'del', probe], { allowFailure: true })
  return undefined
}
