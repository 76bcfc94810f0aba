import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { SynthesisService } from '@app/memories';
import { CreateProjectDto, ProjectsService, UpdateProjectDto } from '@app/tenancy';
import { Access, ApiToken, Auth, IgnoreTenantParams, OnInvalid } from '../http/decorators';

@ApiTags('projects')
@ApiToken()
@IgnoreTenantParams()
@OnInvalid('message')
@Access('service')
@Controller('api/v1/orgs/organizations/:orgId/projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly synthesis: SynthesisService,
  ) {}

  @Get()
  listProjects(@Auth() auth: AuthContext, @Param('orgId') orgId: string) {
    return this.projects.list(auth, orgId);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a project (org owners only); answers 200 like the platform' })
  createProject(@Auth() auth: AuthContext, @Param('orgId') orgId: string, @Body() dto: CreateProjectDto) {
    return this.projects.create(auth, orgId, dto);
  }

  @Get(':projectId')
  @ApiOperation({ summary: 'Project with its settings (`fields` is accepted and the full object returned)' })
  getProject(@Auth() auth: AuthContext, @Param('orgId') orgId: string, @Param('projectId') projectId: string) {
    return this.projects.get(auth, orgId, projectId);
  }

  @Patch(':projectId')
  @ApiOperation({ summary: 'Update project settings (owners only)' })
  async updateProject(
    @Auth() auth: AuthContext,
    @Param('orgId') orgId: string,
    @Param('projectId') projectId: string,
    @Body() dto: UpdateProjectDto,
  ) {
    const answer = await this.projects.update(auth, orgId, projectId, dto);
    if (dto.enable_synthesis !== undefined) {
      await this.synthesis.sync(projectId);
    }
    return answer;
  }

  @Delete(':projectId')
  @ApiOperation({ summary: 'Delete a project and all of its data (owners only)' })
  deleteProject(@Auth() auth: AuthContext, @Param('orgId') orgId: string, @Param('projectId') projectId: string) {
    return this.projects.delete(auth, orgId, projectId);
  }
}
