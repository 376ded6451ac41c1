package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.TokenTableSchema;
import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

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
	void keyValueCredentialsInTheHostPartAreRemoved() {
		String[] urls = { "jdbc:mysql://(host=h,port=3306,user=u,password=S3cret)/db",
				"jdbc:mysql://address=(host=h)(password=S3cret)/db",
				"jdbc:mysql://address=(host=h)(port=3306)(user=u)(password=S3cret),address=(host=h2)/db",
				"jdbc:db2://h:50000/db:password=S3cret;user=u;", "jdbc:db2://h:50000/db:user=u;password=S3cret;",
				"jdbc:db2:db:password=S3cret;", "jdbc:h2:mem:x:password=S3cret", "jdbc:derby:db;password=S3cret" };
		for (String url : urls) {
			assertThat(TokenTableSchema.withoutCredentials(url)).as(url).doesNotContain("S3cret").startsWith("jdbc:");
		}
		assertThat(TokenTableSchema.withoutCredentials(urls[0]))
			.isEqualTo("jdbc:mysql://(rest not shown: it may hold credentials)");
		assertThat(TokenTableSchema.withoutCredentials(urls[3]))
			.isEqualTo("jdbc:db2://(rest not shown: it may hold credentials)");
		assertThat(TokenTableSchema.withoutCredentials("jdbc:mysql://(host=h,port=3306)/db"))
			.as("when in doubt, too much is removed")
			.isEqualTo("jdbc:mysql://(rest not shown: it may hold credentials)");
		assertThat(TokenTableSchema.withoutCredentials("jdbc:derby:db;password=S3cret")).isEqualTo("jdbc:derby:db");
	}

	@Test
	void passwordsWithSeparatorCharactersAreRemovedWhole() {
		String[] passwords = { "pa;ss", "pa?ss", "Xy7;Qz9?Rk2", "Ab3@Cd4/Ef5:Gh6", "Mn8;cret?xq=1", "a@b", "pa/ss" };
		for (String password : passwords) {
			String[] urls = { "jdbc:postgresql://u:" + password + "@db:5432/app",
					"jdbc:mariadb://u:" + password + "@db:3306/app?useSsl=true",
					"jdbc:oracle:thin:scott/" + password + "@db:1521:orcl",
					"jdbc:postgresql://db:5432/app?user=u&password=" + password,
					"jdbc:sqlserver://db;user=u;password=" + password + ";encrypt=true" };
			for (String url : urls) {
				String described = TokenTableSchema.withoutCredentials(url);
				assertThat(described).as(url).doesNotContain(password);
				for (String piece : password.split("[;?@/:=]")) {
					if (piece.length() > 2) {
						assertThat(described).as(url).doesNotContain(piece);
					}
				}
				assertThat(described).as(url).startsWith("jdbc:");
			}
		}
		assertThat(TokenTableSchema.withoutCredentials("jdbc:postgresql://u:pa;ss@db:5432/app"))
			.isEqualTo("jdbc:postgresql://db:5432/app");
		assertThat(TokenTableSchema.withoutCredentials("jdbc:mysql://u:p?ss@db:3306/app"))
			.isEqualTo("jdbc:mysql://db:3306/app");
	}

	@Test
	void anExistingTableGetsTheMissingColumnsWithStatementsForEachDatabase() {
		assertThat(TokenTableSchema.missingColumns(java.util.Set.of("id_token_value", "issuer")))
			.containsExactly("client_id", "token_uri");
		assertThat(TokenTableSchema.alterStatements(DatabaseDriver.POSTGRESQL, "t", java.util.List.of("id_token_value",
				"issuer"))).containsExactly("ALTER TABLE t ADD COLUMN IF NOT EXISTS id_token_value bytea",
						"ALTER TABLE t ADD COLUMN IF NOT EXISTS issuer varchar(1000)");
		assertThat(TokenTableSchema.alterStatements(DatabaseDriver.MARIADB, "t", java.util.List.of("client_id")))
			.containsExactly("ALTER TABLE t ADD COLUMN IF NOT EXISTS client_id varchar(255)");
		assertThat(TokenTableSchema.alterStatements(DatabaseDriver.DERBY, "t", java.util.List.of("id_token_value")))
			.containsExactly("ALTER TABLE t ADD id_token_value blob");
	}

	@Test
	void theTableNameIsValidatedBeforeAnyStatementIsBuilt() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> TokenTableSchema.initialize(null, "tokens; DROP TABLE x", DatabaseInitializationMode.ALWAYS))
			.withMessageContaining("The table name must be a plain SQL identifier")
			.withMessageContaining("'tokens; DROP TABLE x'");
	}

	@Test
	void creationToleratesAConcurrentCreatorWhereTheDatabaseAllowsIt() {
		assertThat(TokenTableSchema.ddl(DatabaseDriver.POSTGRESQL, "t")).startsWith("CREATE TABLE IF NOT EXISTS t");
		assertThat(TokenTableSchema.ddl(DatabaseDriver.MARIADB, "t")).startsWith("CREATE TABLE IF NOT EXISTS t")
			.contains("datetime(6)");
		assertThat(TokenTableSchema.ddl(DatabaseDriver.DERBY, "t")).startsWith("CREATE TABLE t (");
	}

}
