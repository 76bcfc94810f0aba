import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, Prisma, User } from '@app/core';
import { UsersRepository } from '../repositories/users.repository';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async create(email: string, username?: string): Promise<User> {
    try {
      return await this.users.create(email, username);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw AppError.message(ErrorCode.Conflict, `A user with e-mail ${email} already exists.`);
      }
      throw error;
    }
  }

  async require(email: string): Promise<User> {
    const user = await this.users.findByEmail(email);
    if (!user) {
      throw AppError.message(ErrorCode.NotFound, `No user with e-mail ${email}.`);
    }
    return user;
  }

  list(): Promise<User[]> {
    return this.users.list();
  }
}
