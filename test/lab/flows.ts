/**
 * @module test/lab/flows
 * The standard flows of the seed examples and example clusters, as references (the same
 * `--from`/`--to` a user gives `kpath trace` and `kpath lab probe`), with the verdicts the
 * emulator gives them. One list, two suites: flows.test.ts checks the emulator's verdicts,
 * lab-contract.live.test.ts checks that the kernel, in a lab built from the same file, gives
 * the same ones (core/lab/compare.ts says how both are put in one form).
 *
 * Only flows whose sender is a namespace of the cluster are listed (the lab has no client
 * outside its namespaces). Examples the kernel cannot build (002: ipip) are in REFUSED.
 */
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
  /** A known emulator/kernel difference this flow shows (docs/FIDELITY.md). */
  readonly differs?: 'rst-kills-conntrack'
}

export const REFUSED: readonly { readonly file: string; readonly reason: RegExp }[] = [
  { file: 'examples/seeds/002-calico-ipip.yaml', reason: /tunl0: ipip link/ },
]

const S000 = 'examples/seeds/000-underlay-pod-clusterip.yaml'
const S001 = 'examples/seeds/001-kube-router.yaml'
const S003 = 'examples/seeds/003-flannel-udp-rp-filter.yaml'
const S004 = 'examples/seeds/004-calico-native.yaml'
const VXLAN = 'examples/clusters/flannel-vxlan.yaml'

export const FLOWS: readonly Flow[] = [
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
    differs: 'rst-kills-conntrack',
  },
  {
    file: VXLAN,
    from: 'pod/default/web-5987c57899-skfd4',
    to: 'svc/default/web',
    count: 30,
    verdicts: [
      'delivered pod-default-web-5987c57899-8t94j saw 10.244.0.2:40000 ttl 62',
      'delivered pod-default-web-5987c57899-lmxk7 saw 10.244.0.2:40000 ttl 64',
      'delivered pod-default-web-5987c57899-skfd4 saw 10.244.0.1:* ttl 64',
    ],
  },
  {
    file: VXLAN,
    from: 'node/alpha',
    to: 'svc/default/web',
    count: 30,
    verdicts: [
      'delivered pod-default-web-5987c57899-8t94j saw 10.244.0.0:* ttl 63',
      'delivered pod-default-web-5987c57899-lmxk7 saw 10.244.0.1:* ttl 64',
      'delivered pod-default-web-5987c57899-skfd4 saw 10.244.0.1:* ttl 64',
    ],
  },
  {
    file: VXLAN,
    from: 'pod/default/web-5987c57899-skfd4',
    to: 'pod/default/web-5987c57899-8t94j',
    verdicts: ['delivered pod-default-web-5987c57899-8t94j saw 10.244.0.2:40000 ttl 62'],
  },
  { file: VXLAN, from: 'external/client', to: 'svc/default/web', verdicts: ['unanswered'] },
]

export function flowName(f: Flow): string {
  const port = f.port === undefined ? '' : `:${f.port}`
  return `${f.file.split('/').pop()}: ${f.from} -> ${f.to}${port}${f.proto ? `/${f.proto}` : ''}`
}
