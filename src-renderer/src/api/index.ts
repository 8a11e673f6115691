export { getApi, getHost, type Host } from './get-api.js';
export { ClientApiError } from './client-error.js';
export type { WaltBenchBridge } from './bridge.js';
