/** Where the local PostgreSQL listens (Debian's default), apart from postgres.ts so that scripts outside vitest can use it. */
export const PG_SOCKET_DIR = process.env.NIGHTSHIFT_PG_SOCKET_DIR ?? '/var/run/postgresql';
