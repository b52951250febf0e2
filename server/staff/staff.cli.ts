import process from 'node:process';
import { parseArgs } from 'node:util';
import { openMigratedDatabase } from '../cli-support.js';
import { AppError } from '../errors.js';
import { createStaffRepository } from './staff.repository.js';
import { createStaffService } from './staff.service.js';
import type { StaffAccount } from './staff.types.js';

const USAGE = `Usage: npm run staff -- <command>
  create --email EMAIL --role consultant|admin [--name "Họ Tên"] [--password PASSWORD]
                                     create an account; without --password prints a one-time password
  list                               list accounts
  set-password --email EMAIL [--password PASSWORD]
                                     set a password (a one-time one when none is given); ends their sessions
  deactivate --email EMAIL           stop an account from signing in; ends their sessions
Prefer omitting --password: a password typed on the command line stays in the shell history.`;

const COMMANDS = ['create', 'list', 'set-password', 'deactivate'];

/** Thrown for a command line that cannot be run at all (exit 2, with the usage). */
class UsageError extends Error {}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [command, ...extra] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    if (!command) throw new UsageError('Missing command.');
    if (!COMMANDS.includes(command)) throw new UsageError(`Unknown command "${command}".`);
    if (extra.length) throw new UsageError(`Unexpected argument "${extra[0]}".`);
    if (command !== 'list' && !values.email) throw new UsageError(`"${command}" needs --email.`);
    if (command === 'create' && !values.role) throw new UsageError('"create" needs --role consultant or --role admin.');
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  const { config, db } = await openMigratedDatabase();
  // The CLI opens no sessions; the TTL only matters to the server.
  const service = createStaffService({ repo: createStaffRepository(db.dataSource), sessionTtlMs: config.SESSION_TTL_HOURS * 3_600_000 });
  try {
    switch (command) {
      case 'create': {
        const { account, oneTimePassword } = await service.createAccount({
          email: values.email!,
          role: values.role!,
          displayName: values.name,
          password: values.password,
        });
        console.log(`Created ${account.role} ${account.email} (${account.displayName}), id ${account.id}`);
        if (oneTimePassword) printOneTimePassword(oneTimePassword);
        return 0;
      }
      case 'set-password': {
        const { account, oneTimePassword } = await service.setPassword(values.email!, values.password);
        console.log(`Password set for ${account.email}; their sessions were ended.`);
        if (oneTimePassword) printOneTimePassword(oneTimePassword);
        return 0;
      }
      case 'deactivate': {
        const account = await service.deactivate(values.email!);
        console.log(`Deactivated ${account.email}; their sessions were ended.`);
        return 0;
      }
      default: {
        printAccounts(await service.listAccounts());
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

function printOneTimePassword(password: string) {
  console.log(`One-time password (shown once; they must choose their own at first login): ${password}`);
}

function printAccounts(accounts: StaffAccount[]) {
  if (!accounts.length) {
    console.log('No staff accounts yet. Create one: npm run staff -- create --email EMAIL --role admin');
    return;
  }
  for (const a of accounts) {
    const flags = [a.active ? 'active' : 'inactive', ...(a.mustChangePassword ? ['one-time password'] : [])].join(', ');
    console.log(`${a.role.padEnd(10)} ${a.email.padEnd(32)} ${a.displayName}  [${flags}]  ${a.id}`);
  }
  console.log(`${accounts.length} account(s).`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
