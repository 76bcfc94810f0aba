import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, AppError, ErrorCode, Prisma } from '@app/core';
import { AgentAccountsRepository } from '../repositories/agent-accounts.repository';
import { AdminService } from './admin.service';

/** What `mem0 init --agent` reads back: the key and the default scope it saves. */
export interface AgentSignup {
  api_key: string;
  default_user_id: string;
  org_id: string;
  project_id: string;
  claim_command: string;
  mem0_notice: string;
}

export const AGENT_SIGNUP_OFF =
  'Agent sign-up is turned off on this self-hosted server. Ask its operator for an API key ' +
  '(`mem0 init --api-key <key>`), or to set AGENT_SIGNUP_ENABLED=true.';

const ADJECTIVES = 'amber brave calm clever eager gentle happy keen lively lucky merry nimble quiet rapid swift witty';
const ANIMALS = 'badger beaver falcon heron koala lynx marten otter panda puffin raven robin seal tiger walrus wren';
const NAME_ATTEMPTS = 5;
const CALLER = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Accounts an agent creates for itself: a user of its own with an org, its default project and a key. */
@Injectable()
export class AgentSignupService {
  constructor(
    private readonly config: AppConfig,
    private readonly admin: AdminService,
    private readonly accounts: AgentAccountsRepository,
  ) {}

  async signUp(input: { agentCaller?: unknown; source?: unknown }): Promise<AgentSignup> {
    if (!this.config.env.AGENT_SIGNUP_ENABLED) {
      throw AppError.detail(ErrorCode.Forbidden, AGENT_SIGNUP_OFF);
    }
    const caller =
      input.agentCaller === undefined || input.agentCaller === null ? null : canonicalCaller(input.agentCaller);
    const source = typeof input.source === 'string' && input.source.trim() ? input.source.trim().slice(0, 100) : null;
    const { name, email, userId } = await this.newUser();
    const { org, project } = await this.admin.createOrganization(name, email);
    const { key } = await this.admin.issueKey(email, project.id, 'agent-mode');
    await this.accounts.create(userId, caller, source);
    return {
      api_key: key,
      default_user_id: name,
      org_id: org.id,
      project_id: project.id,
      claim_command: `npm run admin -- user add-to-project <email> ${project.id} --role OWNER`,
      mem0_notice:
        `No person owns this Agent Mode account yet. Claiming by e-mail is not offered by this self-hosted ` +
        `server: its operator can give a person access to project ${project.id} with the admin CLI.`,
    };
  }

  /** `mem0 identify <name>`: names the agent behind an agent-mode key. */
  async identify(userId: string, agentCaller: unknown): Promise<{ agent_caller: string }> {
    const caller = canonicalCaller(agentCaller);
    const account = await this.accounts.setCaller(userId, caller);
    if (!account) {
      throw AppError.error(ErrorCode.BadRequest, 'This API key was not created by agent sign-up (mem0 init --agent).');
    }
    return { agent_caller: caller };
  }

  /** A fresh `swift-otter-4821` user; a name already taken draws another. */
  private async newUser(): Promise<{ name: string; email: string; userId: string }> {
    for (let attempt = 1; ; attempt++) {
      const name = `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${randomInt(1000, 10000)}`;
      const email = `${name}@agent-mode.invalid`;
      try {
        const user = await this.admin.createUser(email, name);
        return { name, email, userId: user.id };
      } catch (error) {
        const taken = error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
        if (!taken || attempt >= NAME_ATTEMPTS) throw error;
      }
    }
  }
}

function pick(words: string): string {
  const list = words.split(' ');
  return list[randomInt(list.length)];
}

/** Lower-case, spaces as dashes; anything else than a short label is refused. */
function canonicalCaller(raw: unknown): string {
  const caller = typeof raw === 'string' ? raw.trim().toLowerCase().replace(/\s+/g, '-') : '';
  if (!CALLER.test(caller)) {
    throw AppError.error(
      ErrorCode.BadRequest,
      'agent_caller must be a short name: letters, digits, ".", "_" or "-", at most 64 characters (e.g. claude-code).',
    );
  }
  return caller;
}
