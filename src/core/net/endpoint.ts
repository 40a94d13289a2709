/**
 * @module core/app/endpoint
 * `ip:port`, with IPv6 bracketed as Go's net.JoinHostPort and kube-proxy print it.
 */
export function endpointText(ip: string, port: number | undefined): string {
  if (port === undefined) return ip
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}
