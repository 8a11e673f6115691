import type { BenchDhcpConfig } from '../../src-main/core/net/dhcp-reply.js';

/** The bench DHCP of the unit tests: a /24 desk link, a 100-address range, a one-hour lease, Pi firmware answered. */
export const BENCH_DHCP_CONFIG: BenchDhcpConfig = {
  serverIp: '192.168.152.1',
  subnetMask: '255.255.255.0',
  rangeStart: '192.168.152.100',
  rangeEnd: '192.168.152.199',
  leaseSeconds: 3600,
  answerRpiFirmware: true,
};
