import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { formatTimestamp, Prisma, Role } from '@app/core';
import { ProjectWithMembers } from '../repositories/projects.repository';
import { mapMember } from './member.dto';
import { REQUIRED } from './role';

export type CustomCategories = (Record<string, string> | string)[];

function IsCustomCategories(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isCustomCategories',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.every(
            (item) =>
              (typeof item === 'string' && item.length > 0) ||
              (item !== null &&
                typeof item === 'object' &&
                !Array.isArray(item) &&
                Object.values(item).every((description) => typeof description === 'string')),
          ),
        defaultMessage: () => 'custom_categories must be a list of {"name": "description"} objects or names.',
      },
    },
    options,
  );
}

const joinLines = ({ value }: { value: unknown }) =>
  Array.isArray(value) && value.every((line) => typeof line === 'string') ? value.join('\n') : value;
const emptyToNull = ({ value }: { value: unknown }) => (value === '' ? null : value);

export class CreateProjectDto {
  @ApiProperty({ example: 'support-bot' })
  @IsNotEmpty({ message: REQUIRED })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  description?: string | null;
}

/** Project settings accepted by PATCH; unknown keys are ignored. */
export class UpdateProjectDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ description: 'A string (a list of strings is joined with newlines)' })
  @Transform(joinLines)
  @IsOptional()
  @IsString()
  custom_instructions?: string | null;

  @ApiPropertyOptional({ description: '"" clears it' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString()
  agent_custom_instructions?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  update_custom_instructions?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  summary_custom_instructions?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  inclusion_prompt?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  exclusion_prompt?: string | null;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } })
  @IsOptional()
  @IsCustomCategories()
  custom_categories?: CustomCategories | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  multilingual?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  decay?: boolean;

  @ApiPropertyOptional({ description: 'The entity graph is always on: false answers 400' })
  @IsOptional()
  @IsBoolean()
  @IsIn([true], { message: 'enable_graph: the entity graph is built on every add here and cannot be turned off' })
  enable_graph?: boolean;

  @ApiPropertyOptional({ description: 'Dream synthesis of pattern memories; considers memories created from then on' })
  @IsOptional()
  @IsBoolean()
  enable_synthesis?: boolean;

  @ApiPropertyOptional({ description: 'Not supported: a value answers 400' })
  @IsOptional()
  @IsIn([], { message: 'memory_depth is not supported by this server: extraction has a single depth' })
  memory_depth?: string | null;

  @ApiPropertyOptional({ description: 'Not supported: a value answers 400' })
  @IsOptional()
  @IsIn([], { message: 'usecase_setting is not supported by this server: use custom_instructions to guide extraction' })
  usecase_setting?: string | null;

  @ApiPropertyOptional({ description: 'Only v3, the version this server runs' })
  @IsOptional()
  @IsIn(['v3'], { message: 'version: this server runs v3 only' })
  version?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  summary_batch_size?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  summary_max_tokens?: number | null;

  @ApiPropertyOptional({ example: '2026-12-31' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'expiration_date must be YYYY-MM-DD.' })
  expiration_date?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  active_prompt_profile?: string | null;
}

/** Only the keys present in the request change; `null` clears a nullable setting. */
export function toProjectUpdate(dto: UpdateProjectDto): Prisma.ProjectUpdateInput {
  const json = (value: CustomCategories | null | undefined) =>
    value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue | undefined);
  const update: Prisma.ProjectUpdateInput = {
    name: dto.name,
    description: dto.description,
    customInstructions: dto.custom_instructions,
    agentCustomInstructions: dto.agent_custom_instructions,
    updateCustomInstructions: dto.update_custom_instructions,
    summaryCustomInstructions: dto.summary_custom_instructions,
    inclusionPrompt: dto.inclusion_prompt,
    exclusionPrompt: dto.exclusion_prompt,
    customCategories: json(dto.custom_categories),
    multilingual: dto.multilingual,
    decay: dto.decay,
    enableGraph: dto.enable_graph,
    memoryDepth: dto.memory_depth,
    usecase: dto.usecase_setting,
    version: dto.version,
    summaryBatchSize: dto.summary_batch_size,
    summaryMaxTokens: dto.summary_max_tokens,
    expirationDate: dto.expiration_date,
    activePromptProfile: dto.active_prompt_profile,
    synthesisEnabledAt: dto.enable_synthesis === undefined ? undefined : dto.enable_synthesis ? new Date() : null,
  };
  return Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
}

export function mapProject(project: ProjectWithMembers, role: Role | null) {
  return {
    id: project.number,
    project_id: project.id,
    org_id: project.orgId,
    name: project.name,
    description: project.description,
    created_at: formatTimestamp(project.createdAt),
    updated_at: formatTimestamp(project.updatedAt),
    members: project.members.map(mapMember),
    usecase: project.usecase,
    memory_depth: project.memoryDepth,
    inclusion_prompt: project.inclusionPrompt,
    exclusion_prompt: project.exclusionPrompt,
    custom_categories: project.customCategories,
    custom_instructions: project.customInstructions,
    agent_custom_instructions: project.agentCustomInstructions,
    update_custom_instructions: project.updateCustomInstructions,
    summary_custom_instructions: project.summaryCustomInstructions,
    summary_batch_size: project.summaryBatchSize,
    summary_max_tokens: project.summaryMaxTokens,
    expiration_date: project.expirationDate,
    enable_graph: project.enableGraph,
    multilingual: project.multilingual,
    version: project.version,
    is_default: project.isDefault,
    active_prompt_profile: project.activePromptProfile,
    decay: project.decay,
    enable_synthesis: project.synthesisEnabledAt !== null,
    user_role: role,
  };
}
