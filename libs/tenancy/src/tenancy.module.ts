import { Module } from '@nestjs/common';
import { ApiKeysRepository } from './repositories/api-keys.repository';
import { BootstrapRepository } from './repositories/bootstrap.repository';
import { OrganizationsRepository } from './repositories/organizations.repository';
import { ProjectsRepository } from './repositories/projects.repository';
import { TenancyChangesRepository } from './repositories/tenancy-changes.repository';
import { UsersRepository } from './repositories/users.repository';
import { AdminService } from './services/admin.service';
import { ApiKeysService } from './services/api-keys.service';
import { BootstrapService } from './services/bootstrap.service';
import { OrganizationsService } from './services/organizations.service';
import { ProjectApiKeysService } from './services/project-api-keys.service';
import { ProjectsService } from './services/projects.service';
import { UsersService } from './services/users.service';

@Module({
  providers: [
    ApiKeysRepository,
    BootstrapRepository,
    OrganizationsRepository,
    ProjectsRepository,
    TenancyChangesRepository,
    UsersRepository,
    AdminService,
    ApiKeysService,
    BootstrapService,
    OrganizationsService,
    ProjectApiKeysService,
    ProjectsService,
    UsersService,
  ],
  exports: [
    AdminService,
    ApiKeysService,
    BootstrapService,
    OrganizationsService,
    ProjectApiKeysService,
    ProjectsService,
    UsersService,
  ],
})
export class TenancyModule {}
