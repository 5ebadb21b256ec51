/**
 * Instance billing, as clouds bill virtual machines: per instance, from its creation to its termination, in
 * whole seconds with a minimum charge. A Kubernetes node costs the same whether its pods are busy or it idles.
 *
 * - Per-second billing with a 60 s minimum [R]: AWS EC2 for Linux on-demand, spot and reserved instances since
 *   2 October 2017 (AWS blog "New – Per-Second Billing for EC2 Instances and EBS Volumes", 18 September 2017);
 *   Google Compute Engine likewise bills per second after the first minute.
 * - Billing starts at creation, boot and cluster join included [S]: scaleway/docs-content
 *   `pages/instances/faq.mdx` (PR 5727, 2025) states it for Kubernetes GPU node pools; on EC2 the few seconds
 *   before the instance is `running` are free, which this model does not distinguish.
 */

/** Seconds charged for an instance that lived `lifetime` seconds. */
export function billedSeconds(lifetime: number, minimumSeconds: number): number {
  return Math.max(Math.ceil(lifetime), minimumSeconds);
}

/** Money charged for one instance that lived `lifetime` seconds at `pricePerHour`. */
export function instanceCost(lifetime: number, pricePerHour: number, minimumSeconds: number): number {
  return (billedSeconds(lifetime, minimumSeconds) * pricePerHour) / 3600;
}
