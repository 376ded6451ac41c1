package io.github.oauthcallback.store;

import com.zaxxer.hikari.HikariDataSource;

/** Against the PostgreSQL server at 127.0.0.1:5432 (database test, user postgres). */
class PostgresJdbcTokenStoreTests extends JdbcTokenStoreContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.postgres();
	}

	@Override
	Isolated isolated(String name) {
		return created("SCHEMA", name, TestDatabases::postgres, " CASCADE");
	}

}
