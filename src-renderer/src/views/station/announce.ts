const SOUND_KEY = 'wb_station_sound';

/** True when the technician turned the finished-card sound on (kept in this browser). */
export function soundEnabled(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === '1';
  } catch {
    return false;
  }
}

/** Turns the finished-card sound on or off (kept in this browser). */
export function setSoundEnabled(on: boolean): void {
  try {
    localStorage.setItem(SOUND_KEY, on ? '1' : '0');
  } catch {
    // storage refused: the toggle lasts for this page only
  }
}

let audio: AudioContext | null = null;

/** A short WebAudio beep: high for a card done, low and longer for a failed one. */
export function beep(ok: boolean): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = ok ? 880 : 220;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + (ok ? 0.15 : 0.6));
  } catch {
    // no audio device: the notification and the page still say it
  }
}

/** Asks once for the permission to show desktop notifications (on a click: browsers require a gesture). */
export function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
}

/** A desktop notification of a finished card, when permitted. */
export function notifyCard(announcement: string, ok: boolean): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(ok ? 'walt-bench: card done' : 'walt-bench: card FAILED', { body: announcement, tag: `wb-${Date.now()}` });
  } catch {
    // notifications refused by the platform
  }
}
