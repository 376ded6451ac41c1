package io.github.oauthcallback.store;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/** Against the MariaDB server at 127.0.0.1:3306 (database test, user root). */
class MariaDbJdbcTokenStoreTests extends JdbcTokenStoreContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.mariadb();
	}

	@Override
	boolean insertRaceSurfacesAsDuplicateKey() {
		return false;
	}

	@Override
	Isolated isolated(String name) {
		JdbcTemplate shared = new JdbcTemplate(this.dataSource);
		shared.execute("CREATE DATABASE " + name);
		HikariDataSource dataSource = TestDatabases.mariadb(name);
		return new Isolated(dataSource, () -> {
			dataSource.close();
			shared.execute("DROP DATABASE " + name);
		});
	}

}
