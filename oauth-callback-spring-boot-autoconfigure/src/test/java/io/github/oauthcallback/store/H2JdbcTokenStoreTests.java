package io.github.oauthcallback.store;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

class H2JdbcTokenStoreTests extends JdbcTokenStoreContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.h2("tokens");
	}

	@Override
	Isolated isolated(String name) {
		HikariDataSource dataSource = TestDatabases.h2(name);
		return new Isolated(dataSource, () -> {
			new JdbcTemplate(dataSource).execute("DROP ALL OBJECTS");
			dataSource.close();
		});
	}

}
