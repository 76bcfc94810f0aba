import { Command, Option } from 'commander';
import { formatTimestamp, Role } from '@app/core';
import { PortabilityService } from '@app/memories';
import { AdminService, BootstrapService } from '@app/tenancy';
import { registerPortabilityCommands } from './portability-commands';

const roleOption = () =>
  new Option('--role <role>', 'project role').choices([Role.OWNER, Role.READER]).default(Role.READER);

function table(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  console.table(rows);
}

export function registerCommands(
  program: Command,
  admin: AdminService,
  bootstrap: BootstrapService,
  portability?: PortabilityService,
): void {
  const org = program.command('org').description('organizations');
  org.command('list').action(async () => {
    const orgs = await admin.listOrganizations();
    table(orgs.map((o) => ({ id: o.id, name: o.name, default: o.isDefault, created: formatTimestamp(o.createdAt) })));
  });
  org
    .command('create <name>')
    .requiredOption('--owner <email>', 'owner (an existing user)')
    .action(async (name: string, options: { owner: string }) => {
      const { org: created, project } = await admin.createOrganization(name, options.owner);
      console.log(`organization ${created.id} created with default project ${project.id}`);
    });

  const project = program.command('project').description('projects');
  project
    .command('list')
    .option('--org <orgId>', 'only this organization')
    .action(async (options: { org?: string }) => {
      const projects = await admin.listProjects(options.org);
      table(projects.map((p) => ({ id: p.id, org: p.orgId, name: p.name, default: p.isDefault })));
    });
  project
    .command('create <name>')
    .requiredOption('--org <orgId>', 'organization')
    .requiredOption('--owner <email>', 'owner (an existing user)')
    .action(async (name: string, options: { org: string; owner: string }) => {
      const created = await admin.createProject(options.org, name, options.owner);
      console.log(`project ${created.id} created`);
    });

  const user = program.command('user').description('users');
  user.command('list').action(async () => {
    const users = await admin.listUsers();
    table(users.map((u) => ({ id: u.id, email: u.email, username: u.username })));
  });
  user
    .command('create <email>')
    .option('--username <name>')
    .option('--project <projectId>', 'also make the user a member of this project')
    .addOption(roleOption())
    .action(async (email: string, options: { username?: string; project?: string; role: Role }) => {
      const created = await admin.createUser(email, options.username);
      if (options.project) {
        await admin.addToProject(email, options.project, options.role);
      }
      console.log(`user ${created.id} <${created.email}> created`);
    });
  user
    .command('add-to-project <email> <projectId>')
    .addOption(roleOption())
    .action(async (email: string, projectId: string, options: { role: Role }) => {
      await admin.addToProject(email, projectId, options.role);
      console.log(`${email} is now ${options.role} of project ${projectId}`);
    });

  const key = program.command('key').description('API keys');
  key
    .command('create')
    .requiredOption('--email <email>', 'the user the key acts as')
    .option('--project <projectId>', "the key's project (default: the user's first project)")
    .option('--name <name>', 'a label', 'cli')
    .action(async (options: { email: string; project?: string; name: string }) => {
      const { key: created, project: target } = await admin.issueKey(options.email, options.project, options.name);
      console.log(`API key for ${options.email} in project ${target.id} (shown once):\n${created}`);
    });
  key
    .command('list')
    .option('--email <email>')
    .option('--project <projectId>')
    .action(async (options: { email?: string; project?: string }) => {
      const keys = await admin.listKeys({ email: options.email, projectId: options.project });
      table(
        keys.map((k) => ({
          id: k.id,
          prefix: k.prefix,
          name: k.name,
          user: k.user.email,
          project: k.projectId,
          last_used: formatTimestamp(k.lastUsedAt),
          revoked: formatTimestamp(k.revokedAt),
        })),
      );
    });
  key.command('revoke <idOrPrefix>').action(async (idOrPrefix: string) => {
    await admin.revokeKey(idOrPrefix);
    console.log(`revoked ${idOrPrefix}`);
  });

  program
    .command('bootstrap')
    .description('create the default org, project, owner and key on an empty database')
    .action(async () => {
      const result = await bootstrap.ensure();
      if (!result) {
        console.log('nothing to do: the database already has organizations');
      } else {
        console.log(
          `bootstrapped project ${result.projectId}; key: ${result.generated ? result.key : '(BOOTSTRAP_API_KEY)'}`,
        );
      }
    });

  if (portability) {
    registerPortabilityCommands(program, portability);
  }
}
