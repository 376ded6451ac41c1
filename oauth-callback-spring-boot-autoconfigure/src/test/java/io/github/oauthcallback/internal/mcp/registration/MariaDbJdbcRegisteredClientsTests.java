package io.github.oauthcallback.internal.mcp.registration;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.store.TestDatabases;

/** Against the MariaDB server at 127.0.0.1:3306; under {@code CI=true} an unreachable server fails. */
class MariaDbJdbcRegisteredClientsTests extends JdbcRegisteredClientsContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.mariadb();
	}

	@Override
	boolean embedded() {
		return false;
	}

}
