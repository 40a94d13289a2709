/**
 * @module test/lab/flows
 * The standard flows of the seed examples and example clusters, as references (the same
 * `--from`/`--to` a user gives `kpath trace` and `kpath lab probe`), with the verdicts the
 * emulator gives them. One list, two suites: flows.test.ts checks the emulator's verdicts,
 * lab-contract.live.test.ts checks that the kernel, in a lab built from the same file, gives
 * the same ones (core/lab/compare.ts says how both are put in one form).
 *
 * Only flows whose sender is a namespace of the cluster are listed (the lab has no client
 * outside its namespaces). Examples the kernel cannot build (ipip, dummy links, IPVS: see
 * core/lab/refuse) are in REFUSED; flows.test.ts checks that every seed example and every
 * examples/clusters/flows-*.yaml is in one list or the other.
 *
 * The standard flows of issue 4 (core/cluster/testing/flows.ts, seven per example) are taken
 * from that table for every example the kernel can build, their verdicts written from its
 * expectations ({@link standardVerdict}).
 */
import {
  FLOWS as STANDARD_FLOWS,
  type Flow as StandardFlow,
} from '../../src/core/cluster/testing/flows.js'

export interface Flow {
  readonly file: string
  readonly from: string
  readonly to: string
  readonly port?: number
  readonly proto?: 'tcp' | 'udp' | 'icmp'
  /** Attempts in the lab: enough that every predicted endpoint answers at least once. */
  readonly count?: number
  /** The emulator's verdicts (core/lab/compare predictedVerdicts), sorted. */
  readonly verdicts: readonly string[]
  /**
   * Connections whose verdicts are tested against the emulator's branch probabilities
   * (core/lab/spread: chi-square at SPREAD_ALPHA), for a flow through a random choice; they
   * replace `count`.
   */
  readonly spread?: number
  /** A known emulator/kernel difference this flow shows, and where (docs/FIDELITY.md). */
}

/**
 * Connections for a spread test: cheap (600 TCP connections take about a second in the lab),
 * and enough to catch a wrong probability. With three endpoints at 1/3 each, the mistake of
 * 1/3 on every rule (1/3, 2/9, 4/9) is caught in over 95% of runs at SPREAD_ALPHA
 * (core/testing/chi-square.test.ts measures it); a fair kernel fails once in 10,000 runs.
 */
export const SPREAD = 600

const IPVS = /IPVS virtual services/
export const REFUSED: readonly { readonly file: string; readonly reason: RegExp }[] = [
  { file: 'examples/seeds/000-underlay-pod-clusterip-ipvs.yaml', reason: IPVS },
  { file: 'examples/seeds/001-kube-router-ipvs.yaml', reason: IPVS },
  { file: 'examples/seeds/002-calico-ipip.yaml', reason: /tunl0: ipip link/ },
  { file: 'examples/clusters/flows-calico-ipip-always.yaml', reason: /tunl0: ipip link/ },
  { file: 'examples/clusters/flows-calico-ipip-crosssubnet.yaml', reason: /tunl0: ipip link/ },
  { file: 'examples/clusters/flows-ipvs.yaml', reason: IPVS },
  { file: 'examples/clusters/flows-kube-router-full.yaml', reason: /tun-1039012: ipip link/ },
  { file: 'examples/clusters/flows-kube-router-subnet.yaml', reason: /tun-1039212: ipip link/ },
]

const S000 = 'examples/seeds/000-underlay-pod-clusterip.yaml'
const S001 = 'examples/seeds/001-kube-router.yaml'
const S003 = 'examples/seeds/003-flannel-udp-rp-filter.yaml'
const S004 = 'examples/seeds/004-calico-native.yaml'
const VXLAN = 'examples/clusters/flannel-vxlan.yaml'
const NFT = 'examples/clusters/flannel-vxlan-nftables.yaml'

/**
 * Pod and node → svc/default/web, three endpoints picked at random: the same answers whether
 * kube-proxy picks with `-m statistic --mode random` (flannel-vxlan) or `numgen random`
 * (its nftables-mode twin).
 */
function webSpread(file: string): Flow[] {
  return [
    {
      file,
      from: 'pod/default/web-5987c57899-skfd4',
      to: 'svc/default/web',
      spread: SPREAD,
      verdicts: [
        'delivered pod-default-web-5987c57899-8t94j saw 10.244.0.2:40000 ttl 62',
        'delivered pod-default-web-5987c57899-lmxk7 saw 10.244.0.2:40000 ttl 64',
        'delivered pod-default-web-5987c57899-skfd4 saw 10.244.0.1:* ttl 64',
      ],
    },
    {
      file,
      from: 'node/alpha',
      to: 'svc/default/web',
      spread: SPREAD,
      verdicts: [
        'delivered pod-default-web-5987c57899-8t94j saw 10.244.0.0:* ttl 63',
        'delivered pod-default-web-5987c57899-lmxk7 saw 10.244.0.1:* ttl 64',
        'delivered pod-default-web-5987c57899-skfd4 saw 10.244.0.1:* ttl 64',
      ],
    },
  ]
}

const LISTED: readonly Flow[] = [
  {
    file: S000,
    from: 'pod/default/test',
    to: '10.96.0.1',
    port: 443,
    verdicts: ['delivered node-k8s-master-01 saw 192.168.0.102:* ttl 64'],
  },
  {
    file: S001,
    from: 'pod/default/busybox1',
    to: 'pod/default/busybox2',
    proto: 'icmp',
    verdicts: ['delivered pod-default-busybox2'],
  },
  {
    file: S001,
    from: 'pod/default/busybox1',
    to: 'pod/default/busybox3',
    proto: 'icmp',
    verdicts: ['delivered pod-default-busybox3'],
  },
  {
    file: S001,
    from: 'pod/default/busybox1',
    to: '203.0.113.10',
    proto: 'icmp',
    verdicts: ['delivered ext-web'],
  },
  {
    file: S001,
    from: 'pod/default/busybox1',
    to: '10.233.5.92',
    port: 80,
    verdicts: ['delivered pod-default-demo-6b8d4b6b4c-x2x7q saw 10.233.66.10:40000 ttl 62'],
  },
  { file: S003, from: 'node/slave1', to: '10.254.51.153', port: 80, verdicts: ['unanswered'] },
  {
    file: S004,
    from: 'pod/test/pod1',
    to: 'pod/test/pod2',
    port: 80,
    verdicts: ['delivered pod-test-pod2 saw 10.244.219.75:40000 ttl 62'],
  },
  {
    file: S004,
    from: 'pod/test/pod1',
    to: 'svc/test/pod2-service',
    verdicts: ['delivered pod-test-pod2 saw 10.244.219.75:40000 ttl 62'],
  },
  {
    file: S004,
    from: 'external/client',
    to: 'node/master',
    port: 30000,
    verdicts: ['delivered pod-test-pod2 saw 192.168.43.152:* ttl 62'],
  },
  {
    file: S004,
    from: 'pod/test/pod1',
    to: '203.0.113.10',
    port: 80,
    verdicts: ['refused'],
  },
  ...webSpread(VXLAN),
  {
    file: VXLAN,
    from: 'pod/default/web-5987c57899-skfd4',
    to: 'pod/default/web-5987c57899-8t94j',
    verdicts: ['delivered pod-default-web-5987c57899-8t94j saw 10.244.0.2:40000 ttl 62'],
  },
  { file: VXLAN, from: 'external/client', to: 'svc/default/web', verdicts: ['unanswered'] },
  // kube-proxy in nftables mode: the endpoint is picked by `numgen random mod 3`.
  ...webSpread(NFT),
]

/**
 * A standard flow's expectation as the client's verdict (core/lab/compare). A drop is silence
 * to the client. The source port the server sees is the client's own unless kube-proxy's
 * KUBE-POSTROUTING masquerades, whose MASQUERADE has `--random-fully` (a port the kernel
 * picks, `*`): the node's own connections to a Service, NodePort traffic, hairpin, and
 * underlay pods (outside the cluster CIDR). The bridge plugin's ipMasq keeps the port.
 */
export function standardVerdict(f: StandardFlow): string {
  const e = f.expect
  if (e.kind === 'dropped') return 'unanswered'
  if (f.proto === 'icmp') return `delivered ${e.netns}`
  const kubeMasq =
    ['node-clusterip', 'external-nodeport', 'hairpin'].includes(f.name) ||
    (f.file.endsWith('flows-underlay-bridge.yaml') && f.name === 'pod-clusterip')
  return `delivered ${e.netns} saw ${e.serverSaw}:${kubeMasq ? '*' : '40000'} ttl ${e.ttl}`
}

const refused = new Set(REFUSED.map((r) => r.file))

export const FLOWS: readonly Flow[] = [
  ...LISTED,
  ...STANDARD_FLOWS.filter((f) => !refused.has(f.file)).map(
    (f): Flow => ({
      file: f.file,
      from: f.from,
      to: f.to,
      proto: f.proto,
      ...(f.port === undefined ? {} : { port: f.port }),
      verdicts: [standardVerdict(f)],
    }),
  ),
]

export function flowName(f: Flow): string {
  const port = f.port === undefined ? '' : `:${f.port}`
  return `${f.file.split('/').pop()}: ${f.from} -> ${f.to}${port}${f.proto ? `/${f.proto}` : ''}`
}
