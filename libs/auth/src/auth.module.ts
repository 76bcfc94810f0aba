import { Module } from '@nestjs/common';
import { TenancyModule } from '@app/tenancy';
import { AuthService } from './auth.service';

@Module({
  imports: [TenancyModule],
  providers: [AuthService],
  exports: [AuthService],
})
export class AuthModule {}
