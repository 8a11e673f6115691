import { type ChildProcess, spawn } from 'node:child_process';
import { ApiError } from '../../api/errors.js';
import { type CapturedUdp, PcapUdpReader } from '../../core/net/pcap.js';

/** A running passive capture of DHCP on one interface. */
export interface DhcpCapture {
  stop(): void;
}

/**
 * Watches DHCP on an interface passively, with tcpdump writing pcap to a pipe: unlike a UDP socket, it also sees
 * a server's unicast answers to other hosts. Nothing is ever sent.
 */
export async function captureDhcp(
  iface: string,
  onDatagram: (d: CapturedUdp) => void,
  onError: (message: string) => void,
): Promise<DhcpCapture> {
  const args = ['-i', iface, '-U', '-n', '-s', '0', '-w', '-', 'udp and (port 67 or port 68)'];
  let child: ChildProcess;
  try {
    child = spawn('tcpdump', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new ApiError('internal', `cannot start tcpdump: ${(error as Error).message}`, 'install tcpdump');
  }
  const reader = new PcapUdpReader();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    try {
      for (const u of reader.push(new Uint8Array(d))) onDatagram(u);
    } catch (error) {
      onError(`capture stream broken: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new ApiError('internal', 'observing needs tcpdump, which is not installed', 'sudo apt-get install tcpdump') : e),
    );
    // tcpdump says "listening on <iface>" on stderr once the capture runs.
    const timer = setInterval(() => {
      if (/listening on/.test(stderr)) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new ApiError('permission', `tcpdump on ${iface} stopped (exit ${code}): ${stderr.trim()}`, 'observing needs root (sudo) or CAP_NET_RAW'));
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', (code) => onError(`tcpdump stopped (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`));
  return {
    stop() {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
    },
  };
}
