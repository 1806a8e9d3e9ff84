/** Peak memory of the running process, for the benchmarks' memory columns. */

/**
 * Peak resident set size of this process (Linux VmHWM, from getrusage's maxrss in KiB), in MiB.
 * The wasm backend's heap is process memory, so it is included.
 */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
