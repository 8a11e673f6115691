import './zod-setup.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context.js';
import { getApi, getHost } from './api/get-api.js';
import { App } from './app.js';
import { MessagesProvider } from './components/messages.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

createRoot(root).render(
  <StrictMode>
    <ApiProvider api={getApi()} host={getHost()}>
      <MessagesProvider>
        <App />
      </MessagesProvider>
    </ApiProvider>
  </StrictMode>,
);
