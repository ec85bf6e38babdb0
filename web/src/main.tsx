import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installInputMessages } from '../../contracts/messages';
import { registerPageFont } from './map/fonts';
import { Shell } from './shell/Shell';

installInputMessages();
registerPageFont();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Shell />
  </StrictMode>,
);
