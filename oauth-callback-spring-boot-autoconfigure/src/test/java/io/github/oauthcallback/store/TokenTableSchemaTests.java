package io.github.oauthcallback.store;

import io.github.oauthcallback.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.DatabaseDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TokenTableSchemaTests {

	@Test
	void urlsInMessagesLoseEveryFormOfCredentials() {
		assertThat(TokenTableSchema.withoutCredentials("jdbc:postgresql://db:5432/app?user=u&password=secret"))
			.isEqualTo("jdbc:postgresql://db:5432/app");
		assertThat(TokenTableSchema.withoutCredentials("jdbc:mysql://u:secret@db:3306/app"))
			.isEqualTo("jdbc:mysql://db:3306/app");
		assertThat(TokenTableSchema.withoutCredentials("jdbc:oracle:thin:scott/secret@db:1521:orcl"))
			.isEqualTo("jdbc:oracle:thin:db:1521:orcl");
		assertThat(TokenTableSchema.withoutCredentials("jdbc:sqlserver://db;user=u;password=secret"))
			.isEqualTo("jdbc:sqlserver://db");
		assertThat(TokenTableSchema.withoutCredentials("jdbc:h2:mem:tokens;DB_CLOSE_DELAY=-1"))
			.isEqualTo("jdbc:h2:mem:tokens");
	}

	@Test
	void theTableNameIsValidatedBeforeAnyStatementIsBuilt() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> TokenTableSchema.initialize(null, "tokens; DROP TABLE x", SchemaInitialization.ALWAYS))
			.withMessageContaining("oauth-callback.store.jdbc.table-name");
	}

	@Test
	void creationToleratesAConcurrentCreatorWhereTheDatabaseAllowsIt() {
		assertThat(TokenTableSchema.ddl(DatabaseDriver.POSTGRESQL, "t")).startsWith("CREATE TABLE IF NOT EXISTS t");
		assertThat(TokenTableSchema.ddl(DatabaseDriver.MARIADB, "t")).startsWith("CREATE TABLE IF NOT EXISTS t")
			.contains("datetime(6)");
		assertThat(TokenTableSchema.ddl(DatabaseDriver.DERBY, "t")).startsWith("CREATE TABLE t (");
	}

}
