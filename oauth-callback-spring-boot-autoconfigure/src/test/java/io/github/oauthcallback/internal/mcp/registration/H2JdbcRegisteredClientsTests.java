package io.github.oauthcallback.internal.mcp.registration;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.store.TestDatabases;

/** In-process H2, as the JDBC token store tests use it. */
class H2JdbcRegisteredClientsTests extends JdbcRegisteredClientsContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.h2("mcp-clients");
	}

	@Override
	boolean embedded() {
		return true;
	}

}
