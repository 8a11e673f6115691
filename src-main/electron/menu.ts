/** The application menu: the usual roles, plus the project page in the system browser. */
import { openExternalHttps } from './security.js';
import { app, Menu, type MenuItemConstructorOptions, shell } from 'electron';

const PROJECT_URL = 'https://walt-project.liglab.fr/';

/** Installs the application menu (developer tools only in unpackaged runs). */
export function installMenu(): void {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (!app.isPackaged) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  const template: MenuItemConstructorOptions[] = [
    { label: 'File', submenu: [{ role: 'quit' }] },
    { label: 'Edit', submenu: [{ role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: 'View', submenu: view },
    {
      label: 'Help',
      submenu: [
        { label: 'WalT project', click: () => openExternalHttps(PROJECT_URL, (url) => shell.openExternal(url)) },
        { role: 'about' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
