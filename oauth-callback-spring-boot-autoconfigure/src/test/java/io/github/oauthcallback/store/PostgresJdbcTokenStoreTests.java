package io.github.oauthcallback.store;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/** Against the PostgreSQL server at 127.0.0.1:5432 (database test, user postgres). */
class PostgresJdbcTokenStoreTests extends JdbcTokenStoreContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.postgres();
	}

	@Override
	Isolated isolated(String name) {
		JdbcTemplate shared = new JdbcTemplate(this.dataSource);
		shared.execute("CREATE SCHEMA " + name);
		HikariDataSource dataSource = TestDatabases.postgres(name);
		return new Isolated(dataSource, () -> {
			dataSource.close();
			shared.execute("DROP SCHEMA " + name + " CASCADE");
		});
	}

}
