package io.github.oauthcallback.internal.mcp.registration;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.store.TestDatabases;

/** Against the PostgreSQL server at 127.0.0.1:5432; under {@code CI=true} an unreachable server fails. */
class PostgresJdbcRegisteredClientsTests extends JdbcRegisteredClientsContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.postgres();
	}

	@Override
	boolean embedded() {
		return false;
	}

}
