import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Embedder, EMBEDDER } from '@app/ai';
import { AuthContext } from '@app/auth';
import { AppConfig, AppError, ErrorCode, isObject } from '@app/core';
import { ProjectsService } from '@app/tenancy';
import { AllowAnonymous, ApiToken, Auth, IgnoreTenantParams, ReadsOnly } from '../../http/decorators';
import { SchemaBody } from '../../http/request-schema';
import { checkConfig, mergeConfig, redactConfig, RUNNABLE_PROVIDERS, serverConfig } from './oss-config';
import { CONFIGURE_SCHEMA, INSTRUCTIONS_SCHEMA, InstructionsBody, OssConfig } from './oss.schemas';

/** The mem0 OSS REST server's configuration routes, per project. */
@ApiTags('self-hosted servers')
@ApiToken()
@AllowAnonymous()
@IgnoreTenantParams()
@Controller(['', 'oss'])
export class OssConfigureController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly config: AppConfig,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  @Get('configure')
  @ApiOperation({
    summary: 'OSS: the configuration',
    description:
      "The server's own providers and store in mem0's terms, with the project's `POST /configure` merged over " +
      'them; secrets (api_key, password, token...) read as "[redacted]".',
  })
  async ossGetConfiguration(@Auth() auth: AuthContext) {
    return redactConfig(mergeConfig(serverConfig(this.config, this.embedder), await this.stored(auth.projectId)));
  }

  @Get('configure/providers')
  @ApiOperation({
    summary: 'OSS: the LLM and embedder providers this server runs',
    description: '`openai` is any OpenAI-compatible endpoint; `offline` the embedded extractor and embedder.',
  })
  ossListProviders() {
    return RUNNABLE_PROVIDERS;
  }

  @Post('configure')
  @HttpCode(200)
  @ApiOperation({
    summary: "OSS: set the project's configuration (merged over what is stored)",
    description:
      "Validated against mem0's configuration keys and provider names, then recorded and reported by " +
      '`GET /configure`; nothing in it is imported, executed or connected to. It takes effect in one way: ' +
      '`custom_instructions` (or the older `custom_fact_extraction_prompt`) guides the extraction of later ' +
      "`POST /memories` adds of the project. Providers and stores stay the server's, set by its environment.",
  })
  async ossSetConfiguration(@Auth() auth: AuthContext, @SchemaBody(CONFIGURE_SCHEMA) body: OssConfig) {
    checkConfig(body);
    await this.projects.setOssConfig(auth.projectId, mergeConfig(await this.stored(auth.projectId), body));
    return { message: 'Configuration set successfully' };
  }

  @Post('generate-instructions')
  @HttpCode(200)
  @ReadsOnly()
  @ApiOperation({
    summary: 'OSS: extraction instructions for a use case',
    description:
      'Filled in from a fixed template (no model is called): instructions naming the use case, and a sample ' +
      'message to try them with.',
  })
  ossGenerateInstructions(@SchemaBody(INSTRUCTIONS_SCHEMA) body: InstructionsBody) {
    const useCase = body.use_case.trim().replace(/\s+/g, ' ');
    if (!useCase) {
      throw AppError.detail(ErrorCode.BadRequest, 'use_case must not be blank.');
    }
    return {
      custom_instructions:
        `These memories serve this use case: ${useCase}. Extract and keep the facts, preferences, goals, ` +
        'constraints and context the user shares that bear on it, with their specifics (names, dates, amounts). ' +
        'Skip greetings, small talk and details that only matter in the moment.',
      test_message: 'I like to hike on weekends.',
    };
  }

  private async stored(projectId: string): Promise<OssConfig> {
    const { ossConfig } = await this.projects.settings(projectId);
    return isObject(ossConfig) ? ossConfig : {};
  }
}
