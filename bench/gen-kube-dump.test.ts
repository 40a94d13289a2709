/**
 * @module bench/gen-kube-dump.test
 * The generated dump has kube-proxy's shape: real chain-name hashing, the probabilities
 * iptables-save prints, the rule count per service, and (live, as root) the real
 * iptables-legacy-restore accepts it and iptables-legacy-save prints it back unchanged.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { NodeExecer } from '../src/adapters/node/execer.js'
import { ScratchNetns } from '../src/adapters/node/scratch-netns.js'
import { isKpathError } from '../src/core/errors.js'
import { parseCidr, parseIPv4 } from '../src/core/net/ip.js'
import { benchService, generateKubeDump } from './gen-kube-dump.js'
import { base32, chainHash, sepChain, servicePortName, svcChain } from './kube/hash.js'
import { endpointProbabilities, savedProbability } from './kube/probability.js'
import { clusterIpRule, sepRules, svcEndpointRule } from './kube/rules.js'

/** The rules of each chain of one table, by chain name, in order. */
function tableRules(text: string, table: string): Map<string, string[]> {
  const start = text.indexOf(`*${table}\n`)
  const body = text.slice(start, text.indexOf('\nCOMMIT\n', start)).split('\n')
  const chains = new Map<string, string[]>()
  for (const line of body) {
    if (line.startsWith(':')) chains.set(line.slice(1, line.indexOf(' ')), [])
    if (!line.startsWith('-A ')) continue
    const chain = line.split(' ')[1] ?? ''
    chains.get(chain)?.push(line)
  }
  return chains
}

describe('kube-proxy chain names', () => {
  test('base32 follows RFC 4648 (test vectors of §10, unpadded)', () => {
    const enc = (s: string) => base32(new TextEncoder().encode(s))
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map(enc)).toEqual([
      '',
      'MY',
      'MZXQ',
      'MZXW6',
      'MZXW6YQ',
      'MZXW6YTB',
      'MZXW6YTBOI',
    ])
  })

  test.each([
    ['ns1/svc1:p80tcp', 'XPGD46QRK7WJZT7O'],
    ['default/kubernetes:httpstcp', 'NPX46M4PTMTKRN6Y'],
    ['ns2/svc2:p8080tcp', '2VJB64SDSIJUP5T6'],
    ['ns1/svc1tcp', 'AQI2S6QIMU7PVVRP'],
    ['ns1/svc1:p80tcp10.180.0.1:80', 'SXIVWICOYRO3J4NJ'],
    ['ns4/svc4:p8082tcp10.4.0.1:8082', 'SU5STNODRYEWJAUF'],
  ])('chainHash(%s) = %s (kube-proxy-spec §1.2)', (input, hash) => {
    expect(chainHash(input)).toBe(hash)
  })

  test('service and endpoint chains hash "<spn><proto>[<ip:port>]"', () => {
    expect(svcChain(servicePortName('ns1', 'svc1', 'p80'), 'tcp')).toBe('KUBE-SVC-XPGD46QRK7WJZT7O')
    expect(svcChain(servicePortName('ns1', 'svc1', ''), 'tcp')).toBe('KUBE-SVC-AQI2S6QIMU7PVVRP')
    expect(sepChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ')
  })
})

describe('statistic probabilities', () => {
  test.each([
    [2, '0.50000000000'],
    [3, '0.33333333349'],
    [4, '0.25000000000'],
    [5, '0.20000000019'],
    [6, '0.16666666651'],
    [7, '0.14285714272'],
    [10, '0.10000000009'],
  ])('1/%i is saved as %s (kube-proxy-spec §2.7)', (n, saved) => {
    expect(savedProbability(n)).toBe(saved)
  })

  test('the last endpoint rule has no statistic match', () => {
    expect(endpointProbabilities(1)).toEqual([undefined])
    expect(endpointProbabilities(3)).toEqual(['0.33333333349', '0.50000000000', undefined])
  })
})

describe('rule text matches a real iptables-save of kube-proxy rules', () => {
  // Lines from /work/shared/conformance/kube-proxy/cases/test-cluster-ip-general/iptables-save.txt,
  // printed by iptables-save 1.8.9 after loading kube-proxy's payload.
  const svc = {
    spn: 'ns1/svc1:http',
    protocol: 'tcp' as const,
    clusterIp: '172.30.0.41',
    port: 80,
    svcChain: svcChain('ns1/svc1:http', 'tcp'),
    endpoints: [
      {
        ip: '10.180.0.1',
        port: 80,
        key: '10.180.0.1:80',
        sepChain: sepChain('ns1/svc1:http', 'tcp', '10.180.0.1:80'),
      },
    ],
  }
  const ep = svc.endpoints[0]!

  test('KUBE-SERVICES, KUBE-SVC and KUBE-SEP rules', () => {
    expect(`-A KUBE-SERVICES ${clusterIpRule(svc)}`).toBe(
      '-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-CW3AQCZPGQ5G56X3',
    )
    expect(`-A ${svc.svcChain} ${svcEndpointRule(svc, ep, undefined, false)}`).toBe(
      '-A KUBE-SVC-CW3AQCZPGQ5G56X3 -m comment --comment "ns1/svc1:http -> 10.180.0.1:80" -j KUBE-SEP-3US64VDA5FFU44PB',
    )
    expect(sepRules(svc, ep, false).map((r) => `-A ${ep.sepChain} ${r}`)).toEqual([
      '-A KUBE-SEP-3US64VDA5FFU44PB -s 10.180.0.1/32 -m comment --comment "ns1/svc1:http" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-3US64VDA5FFU44PB -p tcp -m comment --comment "ns1/svc1:http" -m tcp -j DNAT --to-destination 10.180.0.1:80',
    ])
  })
})

describe('generateKubeDump', () => {
  const services = 7
  const dump = generateKubeDump({ services, endpointsPerService: 3 })
  const nat = tableRules(dump.text, 'nat')

  test('is deterministic', () => {
    expect(generateKubeDump({ services, endpointsPerService: 3 }).text).toBe(dump.text)
  })

  test('has one ClusterIP rule per service, then the NodePorts catch-all last', () => {
    const rules = nat.get('KUBE-SERVICES') ?? []
    expect(rules).toHaveLength(services + 1)
    expect(rules.at(-1)).toContain('-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')
    expect(rules.at(-2)).toContain(`-d ${dump.lastServiceIp}/32 -p tcp`)
    expect(rules.at(-2)).toContain(`--dport ${dump.lastServicePort} -j KUBE-SVC-`)
  })

  test('each service has a masquerade rule, 3 statistic rules and 3 SEP chains of 2 rules', () => {
    for (let i = 0; i < services; i++) {
      const svc = benchService(i, 3)
      const svcRules = nat.get(svc.svcChain) ?? []
      expect(svcRules).toHaveLength(4)
      expect(svcRules[0]).toContain(`! -s 10.244.0.0/16 -d ${svc.clusterIp}/32`)
      expect(svcRules[0]).toMatch(/-j KUBE-MARK-MASQ$/)
      const odds = svcRules.slice(1).map((r) => /--probability (\S+)/.exec(r)?.[1])
      expect(odds).toEqual(['0.33333333349', '0.50000000000', undefined])
      for (const [k, ep] of svc.endpoints.entries()) {
        expect(svcRules[k + 1]).toMatch(new RegExp(`-j ${ep.sepChain}$`))
        expect(ep.sepChain).toBe(sepChain(svc.spn, 'tcp', ep.key))
        const sep = nat.get(ep.sepChain) ?? []
        expect(sep).toHaveLength(2)
        expect(sep[1]).toMatch(new RegExp(`-j DNAT --to-destination ${ep.key}$`))
      }
    }
  })

  test('grows by 3 + 4E lines per service (chain lines and rules)', () => {
    for (const e of [1, 3, 5]) {
      const one = generateKubeDump({ services: 1, endpointsPerService: e }).lines
      const many = generateKubeDump({ services: 11, endpointsPerService: e }).lines
      expect(many - one).toBe(10 * (3 + 4 * e))
    }
    expect(dump.text.split('\n').length - 1).toBe(dump.lines)
  })

  test('has the masquerade machinery of a real node (spec §2.4, saved form)', () => {
    expect(nat.get('KUBE-MARK-MASQ')).toEqual([
      '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
    ])
    expect(nat.get('KUBE-POSTROUTING')).toEqual([
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ])
    const filter = tableRules(dump.text, 'filter')
    expect([...filter.keys()]).toEqual([
      'INPUT',
      'FORWARD',
      'OUTPUT',
      'KUBE-EXTERNAL-SERVICES',
      'KUBE-FIREWALL',
      'KUBE-FORWARD',
      'KUBE-NODEPORTS',
      'KUBE-PROXY-FIREWALL',
      'KUBE-SERVICES',
    ])
    expect(filter.get('KUBE-FORWARD')?.[0]).toBe(
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    )
  })

  test('sorts endpoints by their "ip:port" string, as kube-proxy does', () => {
    // Service 2's endpoints are 10.244.1.8, .9 and .10: ".10" sorts first as a string.
    expect(benchService(2, 3).endpoints.map((e) => e.ip)).toEqual([
      '10.244.1.10',
      '10.244.1.8',
      '10.244.1.9',
    ])
  })

  test('takes ClusterIPs from 10.96.0.0/12 (not .0/.1) and endpoints from 10.244.0.0/16', () => {
    const serviceRange = parseCidr('10.96.0.0/12')
    const podRange = parseCidr('10.244.0.0/16')
    const inRange = (range: typeof serviceRange, ip: string) =>
      range?.family === 4 && ((parseIPv4(ip) ?? 0) & range.mask) >>> 0 === range.addr
    const all = Array.from({ length: 600 }, (_, i) => benchService(i, 3))
    const cips = all.map((s) => s.clusterIp)
    const eps = all.flatMap((s) => s.endpoints.map((e) => e.ip))
    expect(cips.every((ip) => inRange(serviceRange, ip))).toBe(true)
    expect(cips).not.toContain('10.96.0.0')
    expect(cips).not.toContain('10.96.0.1')
    expect(new Set(cips).size).toBe(cips.length)
    expect(eps.every((ip) => inRange(podRange, ip))).toBe(true)
    expect(new Set(eps).size).toBe(eps.length)
    expect(eps).not.toContain(dump.podIp)
    expect(inRange(podRange, dump.podIp)).toBe(true)
  })

  test('large-cluster mode drops the comments of SVC→SEP and SEP rules only', () => {
    const large = tableRules(generateKubeDump({ services: 2, largeClusterMode: true }).text, 'nat')
    const svc = benchService(0, 3)
    const ep = svc.endpoints[0]!
    expect(large.get(svc.svcChain)?.[0]).toContain('--comment "ns1/svc1:p80 cluster IP"')
    expect(large.get(svc.svcChain)?.[1]).toBe(
      `-A ${svc.svcChain} -m statistic --mode random --probability 0.33333333349 -j ${ep.sepChain}`,
    )
    expect(large.get(ep.sepChain)).toEqual([
      `-A ${ep.sepChain} -s ${ep.ip}/32 -j KUBE-MARK-MASQ`,
      `-A ${ep.sepChain} -p tcp -m tcp -j DNAT --to-destination ${ep.key}`,
    ])
  })

  test('rejects sizes that are not positive integers', () => {
    for (const bad of [0, -1, 1.5]) {
      expect(() => generateKubeDump({ services: bad })).toThrow(
        expect.objectContaining({ code: 'KPATH_INVALID_ARGUMENT' }),
      )
    }
    try {
      generateKubeDump({ services: 70_000, endpointsPerService: 1 })
      expect.unreachable()
    } catch (e) {
      expect(isKpathError(e) && e.code).toBe('KPATH_INVALID_ARGUMENT')
    }
  })
})

const execer = new NodeExecer()
const liveSkip = await liveSkipReason()

describe.skipIf(liveSkip !== undefined)(
  `live: real iptables-legacy-restore${liveSkip ? ` (skipped: ${liveSkip})` : ''}`,
  () => {
    let ns: ScratchNetns | undefined
    beforeAll(async () => {
      const created = await ScratchNetns.create(execer, 'h5gen')
      if ('reason' in created) throw new Error(created.reason)
      ns = created.ns
    })
    afterAll(async () => {
      await ns?.dispose()
    })

    test('accepts a 50-service dump, and saves it back unchanged', async () => {
      if (!ns) throw new Error('no scratch namespace')
      const dump = generateKubeDump({ services: 50 })
      const tested = await ns.exec(['iptables-legacy-restore', '--test'], {
        stdin: dump.text,
        allowFailure: true,
      })
      expect(tested.stderr).toBe('')
      expect(tested.code).toBe(0)
      // Loading it for real and saving it back must print the very same tables.
      await ns.exec(['iptables-legacy-restore'], { stdin: dump.text })
      const saved = (await ns.exec(['iptables-legacy-save'])).stdout
      for (const table of ['filter', 'nat']) {
        expect(tableBody(saved, table)).toBe(tableBody(dump.text, table))
      }
    })
  },
)

async function liveSkipReason(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const tool of ['ip', 'iptables-legacy-restore', 'iptables-legacy-save']) {
    if (!(await execer.lookPath(tool))) return `${tool} is not installed`
  }
  return undefined
}

/** From `*table` to `COMMIT`, without the comment lines whose date differs. */
function tableBody(text: string, table: string): string {
  const start = text.indexOf(`*${table}\n`)
  return text.slice(start, text.indexOf('\nCOMMIT\n', start))
}
