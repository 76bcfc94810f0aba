import { Body, Controller, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { AuthContext } from '@app/auth';
import { AppError } from '@app/core';
import { AGENT_SIGNUP_OFF, AgentSignupService } from '@app/tenancy';
import { ApiToken, Auth, IgnoreTenantParams, OnInvalid, Public, RateLimit } from '../http/decorators';

class AgentSignupDto {
  @IsOptional()
  @IsString()
  agent_caller?: string | null;

  @IsOptional()
  @IsString()
  source?: string | null;
}

class AgentCallerDto {
  @IsString()
  agent_caller: string;
}

const EMAIL_LOGIN_NOT_OFFERED =
  'This self-hosted server does not offer e-mail code login. Use an API key from its operator ' +
  '(`mem0 init --api-key <key>`), or `mem0 init --agent` where agent sign-up is enabled.';
const AGENT_RUSH_NOT_OFFERED = 'AGENTRUSH is a hosted Mem0 event; this self-hosted server does not offer it.';

/** The CLI's account routes: agent sign-up, and a clear 501 for the hosted-only ones. */
@ApiTags('agent-mode')
@OnInvalid('error')
@Controller()
export class AgentModeController {
  constructor(private readonly signups: AgentSignupService) {}

  @Post('api/v1/auth/agent_mode')
  @Public()
  @RateLimit('agent-signup')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Agent sign-up (`mem0 init --agent`): a new org, project and API key, with no person attached',
    description: 'Off unless AGENT_SIGNUP_ENABLED=true; limited per client IP (AGENT_SIGNUP_RATE_LIMIT per window).',
  })
  @ApiOkResponse({
    schema: {
      example: {
        api_key: 'm0-...',
        default_user_id: 'swift-otter-4821',
        org_id: 'uuid',
        project_id: 'uuid',
        claim_command: 'npm run admin -- user add-to-project <email> <project_id> --role OWNER',
        mem0_notice: 'No person owns this Agent Mode account yet. ...',
      },
    },
  })
  @ApiForbiddenResponse({ description: `Turned off ({"detail": "${AGENT_SIGNUP_OFF}"}) or over the per-IP limit` })
  signUp(@Body() dto: AgentSignupDto) {
    return this.signups.signUp({ agentCaller: dto.agent_caller, source: dto.source });
  }

  @Patch('api/v1/auth/agent_mode/caller')
  @ApiToken()
  @IgnoreTenantParams()
  @ApiOperation({ summary: '`mem0 identify <name>`: the agent behind an agent-mode key' })
  @ApiOkResponse({ schema: { example: { agent_caller: 'claude-code' } } })
  identify(@Auth() auth: AuthContext, @Body() dto: AgentCallerDto) {
    return this.signups.identify(auth.userId, dto.agent_caller);
  }

  @Post('api/v1/auth/email_code')
  @Public()
  @ApiOperation({ summary: 'E-mail code login: not offered by a self-hosted server (501)' })
  sendEmailCode(): never {
    throw AppError.notOffered(EMAIL_LOGIN_NOT_OFFERED);
  }

  @Post('api/v1/auth/email_code/verify')
  @Public()
  @ApiOperation({ summary: 'E-mail code verification and claim: not offered by a self-hosted server (501)' })
  verifyEmailCode(): never {
    return this.sendEmailCode();
  }

  @Post(['v1/agent-rush/memories', 'v1/agent-rush/memories/search'])
  @Public()
  @ApiOperation({ summary: 'AGENTRUSH: a hosted event, not offered by a self-hosted server (501)' })
  agentRush(): never {
    // The CLI reads `error.code` and explains `agentrush_not_provisioned` itself.
    throw AppError.notOffered(AGENT_RUSH_NOT_OFFERED, 'agentrush_not_provisioned');
  }
}
