import type { ApiClient } from '../../../src-main/api/contract.js';
import { getBridge } from './bridge.js';
import type { ConnectionStatus } from './connection.js';
import { ElectronClient } from './electron-client.js';
import { StationClient } from './station-client.js';
import { reloadOnNewToken, takeStationToken } from './token.js';
import { uploadToStation, type UploadHandle, type UploadProgress } from './upload.js';

/** What the page can do beyond the contract, depending on where it runs. */
export interface Host {
  mode: 'electron' | 'station';
  /** Up/down of the event stream (the "disconnected" banner). */
  connection: ConnectionStatus;
  /** Native file chooser (Electron only). */
  pickImage?: () => Promise<string | null>;
  /** A dropped file's path on this machine (Electron only). */
  pathForFile?: (file: File) => string;
  /** Sends a dropped file to the station; resolves with its path there (station only). */
  upload?: (file: File, onProgress: (p: UploadProgress) => void) => UploadHandle;
  /** This page's label, as the station names it in a job's `armedBy` (station only: the desktop app is one client). */
  clientLabel?: () => string;
}

let client: ApiClient | null = null;
let host: Host | null = null;

function init(): { client: ApiClient; host: Host } {
  if (client && host) return { client, host };
  const bridge = getBridge();
  if (bridge) {
    const c = new ElectronClient(bridge);
    client = c;
    host = {
      mode: 'electron',
      connection: c.connection,
      pickImage: () => bridge.pickImage(),
      pathForFile: (file) => bridge.pathForFile(file),
    };
  } else {
    reloadOnNewToken();
    const c = new StationClient(takeStationToken());
    client = c;
    host = {
      mode: 'station',
      connection: c.connection,
      upload: (file, onProgress) => uploadToStation(file, c.authHeaders(), onProgress),
      clientLabel: () => c.clientLabel(),
    };
  }
  return { client, host };
}

/** The API client of this page: the Electron bridge when present, else the station over HTTP + WebSocket. */
export function getApi(): ApiClient {
  return init().client;
}

/** What this page's host offers beyond the API (file chooser, drop, upload, connection state). */
export function getHost(): Host {
  return init().host;
}
