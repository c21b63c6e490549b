/**
 * Schemas in everything a Lambda bundles use zod's mini build (`import * as z from 'zod/mini'`:
 * the same schemas without method chains, a fraction of the classic build's weight once esbuild
 * drops what is unused; a re-exported namespace object could not be shaken). Each such module
 * imports this one first, so messages stay readable ("Too small: expected string to have >=3
 * characters") with only the English locale bundled. Modules only the CLI, infra or the local
 * runtime load may use classic `zod`, whose schemas accept these as members.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
