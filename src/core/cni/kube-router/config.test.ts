/**
 * Reading kube-router from the input: the DaemonSet, its arguments and image, the ConfigMap
 * with the conflist, the nodes it runs on, and the reports of what kpath does not model.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../errors.js'
import { readKubeRouterConfig } from './config.js'
import { imageMajor } from './daemonset.js'
import { kubeRouterPlugin } from './index.js'
import { contextFor, load, podNamed } from './testkit.js'

const SEED = readFileSync(new URL('./testdata/seed-001.yaml', import.meta.url), 'utf8')

function read(text: string) {
  const messages: string[] = []
  const cfg = readKubeRouterConfig(load(text), (m) => messages.push(m))
  return { cfg, messages }
}

function thrown(f: () => unknown): { code: string; message: string; line?: number } | undefined {
  try {
    f()
  } catch (e) {
    if (!isKpathError(e)) throw e
    return { code: e.code, message: e.message, ...(e.location ? { line: e.location.line } : {}) }
  }
  return undefined
}

describe('imageMajor', () => {
  it('reads the release line from the tag', () => {
    expect(imageMajor('docker.io/cloudnativelabs/kube-router:v1.6.0')).toBe(1)
    expect(imageMajor('cloudnativelabs/kube-router:v2.11.0')).toBe(2)
    expect(imageMajor('registry:5000/kube-router:2.1.3')).toBe(2)
    expect(imageMajor('registry:5000/kube-router')).toBeUndefined()
    expect(imageMajor('cloudnativelabs/kube-router:latest')).toBeUndefined()
    expect(imageMajor('cloudnativelabs/kube-router@sha256:abcd')).toBeUndefined()
  })
})

describe('readKubeRouterConfig', () => {
  it('reads the seed: v1.6.0, DSR manifest arguments, the 2023 conflist, all three nodes', () => {
    const { cfg, messages } = read(SEED)
    expect(cfg?.major).toBe(1)
    expect(cfg?.deployment.args).toContain('--bgp-graceful-restart=true')
    expect(cfg?.bridge).toEqual({
      bridge: 'kube-bridge',
      isGateway: true,
      isDefaultGateway: true,
      hairpinMode: false,
      mtu: undefined,
    })
    expect([...(cfg?.nodes ?? [])].sort()).toEqual(['node1', 'node2', 'node3'])
    expect(messages).toEqual([
      expect.stringMatching(/^kube-router --run-firewall: /),
      expect.stringMatching(/^kube-router --run-service-proxy: /),
    ])
  })

  it('is undefined without a kube-router DaemonSet, and the plugin then refuses to render', () => {
    const text = SEED.replace(
      'image: docker.io/cloudnativelabs/kube-router:v1.6.0',
      'image: busybox',
    )
    expect(read(text).cfg).toBeUndefined()
    const { ctx } = contextFor(load(text), { iface: 'enp1s0', prefixLen: 24 })
    expect(thrown(() => kubeRouterPlugin.node(ctx, ctx.underlay.get('node1')!))?.code).toBe(
      'KPATH_INVALID_ARGUMENT',
    )
  })

  it('follows v2.x for an image without a release tag, and says so', () => {
    const { cfg, messages } = read(SEED.replace(':v1.6.0', ''))
    expect(cfg?.major).toBe(2)
    expect(messages[0]).toBe(
      'kube-router image "docker.io/cloudnativelabs/kube-router" names no release: following kube-router v2.x',
    )
  })

  it('finds kube-router started by its binary under another image, with command arguments first', () => {
    const text = SEED.replace(
      'image: docker.io/cloudnativelabs/kube-router:v1.6.0\n        args:',
      'image: registry.local/net/router:v2.1.0\n        command: [/usr/local/bin/kube-router, --overlay-type=full]\n        args:',
    )
    const { cfg } = read(text)
    expect(cfg?.major).toBe(2)
    expect(cfg?.deployment.args?.[0]).toBe('--overlay-type=full')
    expect(cfg?.options.overlayType).toBe('full')
  })

  it('reports a kube-router image started through a shell, and assumes the defaults', () => {
    const text = SEED.replace(
      'image: docker.io/cloudnativelabs/kube-router:v1.6.0\n        args:',
      'image: docker.io/cloudnativelabs/kube-router:v1.6.0\n        command: [/bin/sh, -c]\n        args:',
    )
    const { cfg, messages } = read(text)
    expect(cfg?.deployment.args).toBeUndefined()
    expect(messages[0]).toMatch(
      /started through "kube-router"'s command, whose arguments kpath cannot read/,
    )
  })

  it('reports positional arguments, unmodelled flags and options, and kube-router node annotations', () => {
    const text = SEED.replace(
      '- --run-router=true',
      '- --run-router=true\n        - stray\n        - --hairpin-mode=true\n        - --nodes-full-mesh=false',
    ).replace(
      'metadata: {name: node2}',
      'metadata: {name: node2, annotations: {kube-router.io/node.asn: "64512"}}',
    )
    const { messages } = read(text)
    expect(messages).toEqual([
      'kube-router argument "stray" is not a flag; kube-router ignores it',
      'kube-router --hairpin-mode=true: the IPVS service proxy (virtual servers, its firewall and ipsets) is not modelled',
      expect.stringMatching(/^kube-router --run-firewall/),
      expect.stringMatching(/^kube-router --run-service-proxy/),
      expect.stringMatching(
        /^kube-router --nodes-full-mesh=false: .* no routes between nodes are rendered$/,
      ),
      'node node2: kube-router annotations kube-router.io/node.asn are not modelled',
    ])
  })

  it('refuses what kube-router refuses at start-up, located at the DaemonSet', () => {
    const e = thrown(() => read(SEED.replace('--run-router=true', '--run-router=ture')))
    expect(e?.code).toBe('KPATH_INVALID_ARGUMENT')
    expect(e?.message).toMatch(/invalid argument "ture" for "--run-router" flag/)
    // The DaemonSet's document starts on the line above `kind: DaemonSet`.
    expect(e?.line).toBe(SEED.split('\n').indexOf('kind: DaemonSet'))
    expect(
      thrown(() => read(SEED.replace('--run-router=true', '--enable-ipv6=true')))?.message,
    ).toBe('kube-router: unknown flag: --enable-ipv6')
  })
})

describe('the conflist ConfigMap', () => {
  it('reads hairpinMode, mtu and the bridge name; reports other plugins and settings', () => {
    const text = SEED.replace(
      '"isDefaultGateway":true,',
      '"isDefaultGateway":true, "hairpinMode":true, "mtu":1450, "ipMasq":true,',
    ).replace(
      '          }\n       ]',
      '          },\n          {"type":"portmap","capabilities":{"portMappings":true}}\n       ]',
    )
    const { cfg, messages } = read(text)
    expect(cfg?.bridge).toEqual({
      bridge: 'kube-bridge',
      isGateway: true,
      isDefaultGateway: true,
      hairpinMode: true,
      mtu: 1450,
    })
    expect(messages.slice(2)).toEqual([
      'bridge plugin ipMasq (its CNI-… masquerade chains) is not modelled',
      'CNI plugin portmap in kube-router-cfg/cni-conf.json is not modelled',
    ])
  })

  it('assumes the upstream conflist without a ConfigMap, and says so', () => {
    const text = SEED.replace(
      'kind: ConfigMap\nmetadata:\n  name: kube-router-cfg',
      'kind: ConfigMap\nmetadata:\n  name: other',
    )
    const { cfg, messages } = read(text)
    expect(cfg?.bridge.bridge).toBe('kube-bridge')
    expect(messages.at(-1)).toMatch(
      /^no ConfigMap with cni-conf.json mounted by kube-router: assuming the upstream conflist/,
    )
  })

  it('locates JSON errors at the data key', () => {
    const e = thrown(() => read(SEED.replace('"cniVersion":"0.3.0",', '"cniVersion":"0.3.0",,')))
    expect(e?.code).toBe('KPATH_PARSE')
    expect(e?.line).toBe(SEED.split('\n').indexOf('  cni-conf.json: |') + 1)
  })

  it('locates a wrongly typed setting', () => {
    const e = thrown(() =>
      read(SEED.replace('"isDefaultGateway":true,', '"isDefaultGateway":"yes",')),
    )
    expect(e?.code).toBe('KPATH_PARSE')
    expect(e?.message).toMatch(/isDefaultGateway/)
  })
})

describe('where kube-router runs', () => {
  it('a node without a kube-router pod gets nothing, and its pods are reported', () => {
    const text = SEED.replace(
      '      tolerations:\n',
      '      nodeSelector: {kube-router: "yes"}\n      tolerations:\n',
    ).replace('metadata: {name: node2}', 'metadata: {name: node2, labels: {kube-router: "yes"}}')
    const { ctx, reports } = contextFor(load(text), { iface: 'enp1s0', prefixLen: 24 })
    expect([...(readKubeRouterConfig(ctx.cluster, () => {})?.nodes ?? [])]).toEqual(['node2'])
    expect(kubeRouterPlugin.node(ctx, ctx.underlay.get('node3')!)).toEqual({})
    const w = kubeRouterPlugin.pod(ctx, podNamed(ctx, 'busybox3'), ctx.underlay.get('node3')!)
    expect(w).toEqual({ pod: {}, host: {} })
    expect(reports.messages.at(-1)).toBe(
      'pod default/busybox3: node node3 runs no kube-router pod, so its CNI conflist is not installed',
    )
    // node2 no longer learns node3's pod CIDR: node3 runs no BGP speaker.
    const routes = kubeRouterPlugin
      .node(ctx, ctx.underlay.get('node2')!)
      .routes?.filter((r) => r.type === 'unicast')
    expect(routes?.map((r) => r.dst)).toEqual([])
  })

  it('reports a pod whose address is outside its node pod CIDR', () => {
    const text = SEED.replace('podIP: 10.233.66.11', 'podIP: 10.233.70.11')
    const { ctx, reports } = contextFor(load(text), { iface: 'enp1s0', prefixLen: 24 })
    expect(
      kubeRouterPlugin.pod(ctx, podNamed(ctx, 'busybox2'), ctx.underlay.get('node2')!),
    ).toEqual({ pod: {}, host: {} })
    expect(reports.messages.at(-1)).toBe(
      "pod default/busybox2 has IP 10.233.70.11 outside node node2's pod CIDR 10.233.66.0/24; host-local only hands out the node's range",
    )
  })
})
