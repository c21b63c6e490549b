import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { Vendor, VendorList } from '../../core/vendor.ts';
import { importVendors } from '../../core/vendor-import.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { parseFlags, table, UsageError, type Command } from '../command.ts';
import { vendorCodeArg } from '../args.ts';
import { stripControls, terminalJson } from '../../core/untrusted-text.ts';

const usage = `usage: reftrack vendors <list|add|import|pause|resume> [flags]

  list [--json]                                     every vendor with status and link path
  add --code CODE --name NAME [--destination URL]   add a vendor (fails if the code exists)
  import FILE                                       add every vendor of a JSON list (config/vendors.json's format)
                                                    that does not exist yet; existing vendors are left as they are
  pause --code CODE                                 stop counting: its link sends guests to the fallback
  resume --code CODE                                count again`;

export const vendorsCommand: Command = {
  name: 'vendors',
  summary: 'list, add, pause or resume vendors',
  usage,
  async run(argv, ctx) {
    const [action, ...rest] = argv;
    const store = new DynamoVendorStore(ctx.dynamodb(), ctx.aws().STATE_TABLE);
    switch (action) {
      case 'list': {
        const { flags } = parseFlags(rest, { json: { type: 'boolean' } }, z.object({ json: z.boolean().default(false) }));
        const vendors = (await store.list()).sort((a, b) => a.code.localeCompare(b.code));
        if (flags.json) for (const v of vendors) console.log(terminalJson(v));
        else console.log(table(['code', 'name', 'status', 'link', 'destination'], vendors.map((v) => [v.code, v.name, v.status, `/ref/${v.code}`, v.destination ?? '(default)'])));
        return 0;
      }
      case 'add': {
        const { flags } = parseFlags(
          rest,
          { code: { type: 'string' }, name: { type: 'string' }, destination: { type: 'string' } },
          z.object({ code: vendorCodeArg, name: z.string().min(1).max(120), destination: z.string().optional() }),
        );
        const parsed = Vendor.safeParse({ code: flags.code, name: flags.name, destination: flags.destination, status: 'active' });
        if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
        if (!(await store.put(parsed.data, { ifAbsent: true }))) {
          console.error(`reftrack vendors: a vendor with code "${flags.code}" already exists`);
          return 1;
        }
        console.log(`added ${parsed.data.code} (${stripControls(parsed.data.name)}): link /ref/${parsed.data.code}`);
        return 0;
      }
      case 'import': {
        const { positionals } = parseFlags(rest, {}, z.object({}), true);
        if (positionals.length !== 1) throw new UsageError('import takes one FILE (a JSON list like config/vendors.json)');
        const file = positionals[0]!;
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          throw new UsageError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
        }
        const parsed = VendorList.safeParse(json);
        if (!parsed.success) throw new UsageError(parsed.error.issues.slice(0, 5).map((i) => `${file}: ${i.path.join(".")}: ${i.message}`).join('; '));
        const codes = parsed.data.map((v) => v.code);
        const repeated = codes.filter((c, i) => codes.indexOf(c) !== i);
        if (repeated.length > 0) throw new UsageError(`${file}: vendor code${repeated.length > 1 ? 's' : ''} ${[...new Set(repeated)].join(', ')} appear more than once`);
        const { added, kept } = await importVendors(store, parsed.data);
        for (const code of added) console.log(`added ${code}: link /ref/${code}`);
        for (const code of kept) console.log(`kept  ${code} (already exists; not changed)`);
        console.log(`${added.length} added, ${kept.length} already present`);
        return 0;
      }
      case 'pause':
      case 'resume': {
        const { flags } = parseFlags(rest, { code: { type: 'string' } }, z.object({ code: vendorCodeArg }));
        const vendor = await store.setStatus(flags.code, action === 'pause' ? 'paused' : 'active');
        console.log(`${vendor.code} is now ${vendor.status} (redirect servers pick this up within their vendor cache time, 30 s by default)`);
        return 0;
      }
      default:
        throw new UsageError(action ? `unknown action "${action}"` : 'an action is required');
    }
  },
};
