package io.github.oauthcallback.sample;

import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.store.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 'jdbc' profile on the real PostgreSQL and MariaDB servers (as the starter's own JDBC store tests:
 * {@link TestDatabases} fails the test under {@code CI=true} when a server is missing, and skips it with the reason
 * otherwise). The database is given on the command line as the README shows; each run has a table of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class JdbcProfileTests {

	private static final String ACCOUNT = "jdbc-tester";

	@Test
	void postgres(CapturedOutput output) {
		try (HikariDataSource database = TestDatabases.postgres()) {
			loginStatusAndLogout(database, "postgres", output);
		}
	}

	@Test
	void mariadb(CapturedOutput output) {
		try (HikariDataSource database = TestDatabases.mariadb()) {
			loginStatusAndLogout(database, "root", output);
		}
	}

	private void loginStatusAndLogout(HikariDataSource database, String user, CapturedOutput output) {
		String table = "sample_tokens_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		JdbcTemplate jdbc = new JdbcTemplate(database);
		try (ConfigurableApplicationContext context = SampleApplication.application(DemoLoginTests.PlayTheUser.class)
			.run("login", "--spring.profiles.active=demo,jdbc", "--spring.datasource.url=" + database.getJdbcUrl(),
					"--spring.datasource.username=" + user, "--oauth-callback.store.jdbc.table-name=" + table,
					"--oauth-callback.login.account=" + ACCOUNT)) {
			SampleCommands commands = context.getBean(SampleCommands.class);
			assertThat(context.getBean(BrowserUser.class).failure()).isNull();
			assertThat(commands.getExitCode()).isZero();
			// The profile created the table, and the login is a row in it.
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + table
					+ " WHERE client_registration_id = 'demo' AND principal_name = ?", Integer.class, ACCOUNT))
				.isOne();

			assertThat(commands.execute("status")).isZero();
			assertThat(output.getOut()).contains(table, "(1 login)", "  demo / " + ACCOUNT + ": scopes openid profile");

			assertThat(commands.execute("logout")).isZero();
			assertThat(output.getOut()).contains("Removed the stored login for 'demo' (account '" + ACCOUNT + "')");
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class)).isZero();
		}
		finally {
			TestDatabases.drop(database, table);
		}
	}

}
