import { z } from 'zod';

/** The checks of `walt-bench doctor` and the System check screen, in the order they are shown. */
export const DOCTOR_CHECK_IDS = ['raw-disk', 'serial-access', 'udevadm', 'bench-ports', 'tcpdump', 'state-folder', 'cache-space', 'virtual-drives', 'runtime', 'native-modules', 'catalog'] as const;

/** One check: what was looked at, what was found, and the exact fix when it is not ok. */
export const DoctorCheck = z.object({
  id: z.enum(DOCTOR_CHECK_IDS),
  title: z.string(),
  state: z.enum(['ok', 'warn', 'fail']),
  found: z.string(),
  fix: z.string().nullable(),
});

/** The whole report: every check, the worst state, and who it was run as. */
export const DoctorReport = z.object({
  worst: z.enum(['ok', 'warn', 'fail']),
  user: z.object({ uid: z.number().int(), name: z.string() }),
  platform: z.string(),
  checks: z.array(DoctorCheck),
});

/** Commands of the system check. */
export const doctorCommands = {
  /** Runs every check of the machine walt-bench works on (the server's side: the station's, the app's own). */
  'doctor.run': { input: z.object({}), output: DoctorReport },
} as const;
