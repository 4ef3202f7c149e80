import { readFileSync } from 'node:fs'

/**
 * Peak RSS of a running child process in MB: VmHWM (the kernel's high-water mark) from
 * /proc, sampled every `intervalMs` until the returned function is called.
 */
export function watchPeak(pid: number, intervalMs = 20): () => number {
  let peak = 0
  const sample = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (match) peak = Math.max(peak, Number(match[1]))
    } catch {
      // exited
    }
  }
  const timer = setInterval(sample, intervalMs)
  return () => {
    clearInterval(timer)
    return peak / 1024
  }
}
