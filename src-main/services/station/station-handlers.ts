import type { Handlers } from '../../api/dispatcher.js';
import type { StationService } from './station-service.js';

type StationHandlers = Pick<Handlers, 'slots.list' | 'slots.enroll' | 'slots.forget' | 'stationJob.arm' | 'stationJob.disarm' | 'stationJob.update' | 'stationJob.status'>;

/** The handlers of Station mode. */
export function stationHandlers(station: StationService): StationHandlers {
  return {
    'slots.list': async () => station.slots(),
    'slots.enroll': async ({ slot, client }) => station.enroll(slot, client),
    'slots.forget': async ({ slot, client }) => station.forget(slot, client),
    'stationJob.arm': async (input) => station.arm(input),
    'stationJob.disarm': async ({ jobId, client, force }) => station.disarm(jobId, client, force),
    'stationJob.update': async ({ jobId, count, verify, client }) => station.update(jobId, { count, verify }, client),
    'stationJob.status': async ({ jobId }) => station.status(jobId),
  };
}
