import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { IdentityShell } from './identity/IdentityShell';
import { registerPageFont } from './map/fonts';

registerPageFont();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <IdentityShell>
      <App />
    </IdentityShell>
  </StrictMode>,
);
