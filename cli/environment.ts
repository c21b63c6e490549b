/**
 * The CLI's first import, evaluated before any command module (and so before any client is
 * built): it finds the `npm start` this CLI belongs to (config/runtime-file.ts).
 */
import { quietLocalRuntime } from '../config/config.ts';
import { adoptRunningInstance } from '../config/runtime-file.ts';

quietLocalRuntime();
export const cliTarget = adoptRunningInstance();
