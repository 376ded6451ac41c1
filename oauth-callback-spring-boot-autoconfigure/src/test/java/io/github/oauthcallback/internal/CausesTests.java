package io.github.oauthcallback.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding an exception among another's causes.
 */
class CausesTests {

	@Test
	void findsTheExceptionItselfOrTheFirstMatchingCause() {
		ConnectException refused = new ConnectException("refused");
		IOException outer = new IOException("outer", refused);
		IllegalStateException failure = new IllegalStateException("top", new UncheckedIOException(outer));
		assertThat(Causes.find(failure, IllegalStateException.class)).isSameAs(failure);
		assertThat(Causes.find(failure, IOException.class)).isSameAs(outer);
		assertThat(Causes.find(failure, ConnectException.class)).isSameAs(refused);
		assertThat(Causes.first(failure, (cause) -> "refused".equals(cause.getMessage()))).isSameAs(refused);
	}

	@Test
	void findsNothingWhenNoCauseMatches() {
		assertThat(Causes.find(new IllegalStateException("top", new IOException()), ConnectException.class)).isNull();
		assertThat(Causes.find(null, IOException.class)).isNull();
	}

}
