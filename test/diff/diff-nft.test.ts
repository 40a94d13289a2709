/**
 * Randomised differential test, iptables-nft backend: random rulesets (general and
 * kube-proxy-shaped), routes, policy rules, sysctls and packets, each loaded into a real router
 * namespace and into the emulator; verdict, NAT result, output interface and matched rules must
 * agree. See suite.ts for the case count and seeds, runner.ts for what a mismatch leaves behind.
 */
import { diffSuite } from './suite.js'

diffSuite('nft')
