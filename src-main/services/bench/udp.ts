import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { ApiError } from '../../api/errors.js';

/** Opens a UDP socket bound to an address and port; EACCES / EADDRINUSE become errors that say what to do. */
export async function bindUdp(port: number, address: string, options: { broadcast?: boolean } = {}): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address, exclusive: false }, () => {
      socket.removeListener('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    socket.close();
    if (error.code === 'EACCES') {
      throw new ApiError(
        'permission',
        `binding UDP port ${port} needs privileges (EACCES)`,
        'run walt-bench as root (`sudo walt-bench ...`), start the check from the app (its privileged helper binds the port), or let Node bind ports below 1024: `sudo setcap cap_net_bind_service=+ep "$(readlink -f "$(command -v node)")"`',
      );
    }
    if (error.code === 'EADDRINUSE') {
      throw new ApiError('refused', `UDP port ${port} on ${address} is already used by another program`, 'stop the other DHCP/TFTP server (dnsmasq, tftpd-hpa), or use --observe');
    }
    throw error;
  });
  if (options.broadcast) socket.setBroadcast(true);
  return socket;
}

/** A received datagram. */
export interface Datagram {
  data: Uint8Array;
  from: RemoteInfo;
  /** Arrival time (ms, monotonic clock). */
  at: number;
}

/** Sends a datagram and resolves once handed to the kernel. */
export function sendUdp(socket: Socket, data: Uint8Array, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => socket.send(data, port, address, (e) => (e ? reject(e) : resolve())));
}
