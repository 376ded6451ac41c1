package io.github.oauthcallback.store;

import com.zaxxer.hikari.HikariDataSource;

class H2JdbcTokenStoreTests extends JdbcTokenStoreContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.h2("tokens");
	}

}
