package io.github.oauthcallback.store;

import com.zaxxer.hikari.HikariDataSource;

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
		return created("DATABASE", name, TestDatabases::mariadb, "");
	}

}
