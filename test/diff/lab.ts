/**
 * The kernel side of the randomised differential tests: the fixed topology of
 * core/testing/diff/topology.ts built once in real `kpath-…` namespaces, then, for every case,
 * the router reset and loaded (`ip -batch` routes and rules, `sysctl -w`, one
 * `iptables-restore`, `conntrack -F`), the packet sent from the client by test/diff/agent.py,
 * and the router read back (`iptables-save -c`, `conntrack -L`, Ip counters of
 * /proc/net/snmp, what the namespaces behind its interfaces received).
 *
 * Nothing runs in the root namespace: every command is `ip -n NS …` or `ip netns exec NS …`, and
 * the agent enters only `kpath-…` namespaces. {@link DiffLab.dispose} kills the agent by its PID
 * and deletes the four namespaces.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseConntrackList } from '../../src/core/conntrack/index.js'
import type { Execer } from '../../src/core/exec.js'
import { routeLine, ruleLine } from '../../src/core/iproute2/batch.js'
import { buildWorld, destroyWorld } from '../../src/core/iproute2/conformance/run.js'
import type { NetnsState } from '../../src/core/model/netns.js'
import { parseIptablesSave } from '../../src/core/netfilter/iptables-save/index.js'
import type { DiffCase } from '../../src/core/testing/diff/case.js'
import { CT_KEEPER, keepsConntrack, ROUTER_GUARD } from '../../src/core/testing/diff/guard.js'
import { conntrackKey, countersOf, type Observation } from '../../src/core/testing/diff/observe.js'
import {
  ROUTER_IFACES,
  ROUTER_MACS,
  ROUTER_TCP_PORTS,
  type Role,
  topology,
  topologyNames,
} from '../../src/core/testing/diff/topology.js'

export type Backend = 'legacy' | 'nft'

const AGENT = join(dirname(fileURLToPath(import.meta.url)), 'agent.py')

/** Leaf namespaces drop everything they receive (after the agent has seen it): no answers. */
const DROP_ALL = `table ip kpath_diff {
  chain pre {
    type filter hook prerouting priority -500; policy drop;
  }
}
`

interface AgentReply {
  readonly seen: readonly {
    iface: string
    src: string
    dst: string
    ttl: number
    sport?: number
    dport?: number
    icmpId?: number
  }[]
  readonly snmp: Readonly<Record<string, number>>
}

/** Why this machine cannot run the lab, or undefined when it can. */
export async function labUnavailable(
  execer: Execer,
  backend: Backend,
): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'not root: network namespaces need CAP_SYS_ADMIN'
  for (const tool of ['ip', 'nft', 'conntrack', 'python3', 'sysctl', `iptables-${backend}-restore`])
    if (!(await execer.lookPath(tool))) return `${tool} is not installed`
  return undefined
}

export class DiffLab {
  private previous: DiffCase | undefined
  /** Whether the router holds the conntrack keeper table (guard.ts) now. */
  private keeper = false
  private constructor(
    private readonly execer: Execer,
    readonly backend: Backend,
    readonly world: readonly NetnsState[],
    readonly names: Readonly<Record<Role, string>>,
    private readonly agent: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
  ) {}

  /** Build the topology (`kpath-d<tag>-<pid>-…`) and start the agent in the router. */
  static async create(execer: Execer, backend: Backend, tag: string): Promise<DiffLab> {
    const prefix = `kpath-d${tag}-${process.pid}`
    const world = topology(prefix)
    const names = topologyNames(prefix)
    try {
      await buildWorld(execer, world)
      for (const ns of [names.client, names.s1, names.s2])
        await execer.run(['ip', 'netns', 'exec', ns, 'nft', '-f', '-'], { stdin: DROP_ALL })
      // The router's own nft tables (core/testing/diff/guard.ts); kpath_ct is loaded per case.
      await execer.run(['ip', 'netns', 'exec', names.router, 'nft', '-f', '-'], {
        stdin: ROUTER_GUARD,
      })
      await execer.run([
        'ip',
        'netns',
        'exec',
        names.router,
        'sysctl',
        '-q',
        '-w',
        'net.ipv4.conf.all.send_redirects=0',
        'net.ipv4.conf.default.send_redirects=0',
        ...Object.keys(ROUTER_IFACES).map((i) => `net.ipv4.conf.${i}.send_redirects=0`),
        'net.ipv4.icmp_ratelimit=0',
        // No SYN-ACK retransmits from the listeners: they would cross OUTPUT and POSTROUTING
        // during later cases.
        'net.ipv4.tcp_synack_retries=0',
      ])
    } catch (e) {
      await destroyWorld(execer, world)
      throw e
    }
    const sniff = Object.fromEntries(
      Object.entries(ROUTER_IFACES).map(([iface, role]) => [iface, names[role]]),
    )
    const config = JSON.stringify({
      inject: names.client,
      gatewayMac: ROUTER_MACS.r0,
      sniff,
      listen: ROUTER_TCP_PORTS,
    })
    const agent = spawn('ip', ['netns', 'exec', names.router, 'python3', AGENT, config], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const lines = createInterface({ input: agent.stdout })
    const lab = new DiffLab(execer, backend, world, names, agent, lines)
    const ready = await lab.nextLine()
    if (!ready.includes('ready')) {
      await lab.dispose()
      throw new Error(`the agent did not start: ${ready}`)
    }
    return lab
  }

  private nextLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      const onLine = (l: string) => {
        cleanup()
        resolve(l)
      }
      const onExit = (code: number | null) => {
        cleanup()
        reject(new Error(`the agent exited (${code})`))
      }
      const cleanup = () => {
        this.lines.off('line', onLine)
        this.agent.off('exit', onExit)
      }
      this.lines.once('line', onLine)
      this.agent.once('exit', onExit)
    })
  }

  private inRouter(argv: readonly string[], stdin?: string) {
    return this.execer.run(['ip', 'netns', 'exec', this.names.router, ...argv], {
      ...(stdin === undefined ? {} : { stdin }),
    })
  }

  /** Take back the previous case's routes and rules (the kernel's own stay). */
  private async undoPrevious(): Promise<void> {
    const p = this.previous
    if (!p) return
    const lines = [
      ...p.rules.map((r) => `rule del priority ${r.priority}`),
      ...p.routes.map((r) => routeLine(r).replace(/^route add/, 'route del')),
    ]
    if (lines.length === 0) return
    await this.execer.run(['ip', '-n', this.names.router, '-force', '-batch', '-'], {
      stdin: `${lines.join('\n')}\n`,
      allowFailure: true,
    })
  }

  /** Load or delete the conntrack keeper table (guard.ts CT_KEEPER) as the case asks. */
  private async setKeeper(want: boolean): Promise<void> {
    if (want === this.keeper) return
    if (want) await this.inRouter(['nft', '-f', '-'], CT_KEEPER)
    else await this.inRouter(['nft', 'delete', 'table', 'ip', 'kpath_ct'])
    this.keeper = want
  }

  /** Load a case into the router. */
  async load(c: DiffCase): Promise<void> {
    await this.undoPrevious()
    this.previous = c
    const sysctls = Object.entries(c.sysctls).map(([k, v]) => `${k}=${v}`)
    if (sysctls.length > 0) await this.inRouter(['sysctl', '-q', '-w', ...sysctls])
    const lines = [...c.routes.map(routeLine), ...c.rules.map(ruleLine)]
    if (lines.length > 0)
      await this.execer.run(['ip', '-n', this.names.router, '-batch', '-'], {
        stdin: `${lines.join('\n')}\n`,
      })
    await this.inRouter([`iptables-${this.backend}-restore`], c.ruleset)
    await this.setKeeper(keepsConntrack(c))
    await this.execer.run(['ip', 'netns', 'exec', this.names.router, 'conntrack', '-F'], {
      allowFailure: true,
    })
  }

  /** Send the case's packet and read what the router did with it. */
  async observe(c: DiffCase, expect: string | undefined): Promise<Observation> {
    await this.load(c)
    const request = { send: c.packet, expect: expect ?? null, waitMs: expect ? 1000 : 60 }
    this.agent.stdin.write(`${JSON.stringify(request)}\n`)
    const reply = JSON.parse(await this.nextLine()) as AgentReply
    const saved = await this.inRouter([`iptables-${this.backend}-save`, '-c'])
    const listed = await this.inRouter(['conntrack', '-L'])
    const first = reply.seen[0]
    const where =
      reply.seen.length > 0
        ? reply.seen.map((s) => s.iface).join('+')
        : (reply.snmp.InDelivers ?? 0) > 0
          ? 'local'
          : 'dropped'
    return {
      where,
      ...(first
        ? {
            arrived: {
              src: first.src,
              dst: first.dst,
              ...(first.icmpId === undefined
                ? { sport: first.sport ?? 0, dport: first.dport ?? 0 }
                : { icmpId: first.icmpId }),
              ttl: first.ttl,
            },
          }
        : {}),
      conntrack: parseConntrackList(listed.stdout).map(conntrackKey),
      counters: countersOf(parseIptablesSave(saved.stdout, { family: 4 })),
    }
  }

  async dispose(): Promise<void> {
    if (this.agent.pid !== undefined && this.agent.exitCode === null) {
      this.agent.stdin.end()
      process.kill(this.agent.pid, 'SIGTERM')
    }
    this.lines.close()
    await destroyWorld(this.execer, this.world)
  }
}
