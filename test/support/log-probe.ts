/** Writes one line through the gateway's logger, so a test can see what it prints on a terminal and through a pipe. */
import { createLogger } from '../../gateway/log';

createLogger('info').info({ probe: 1 }, 'probe line');
