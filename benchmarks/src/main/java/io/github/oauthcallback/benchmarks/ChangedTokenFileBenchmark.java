package io.github.oauthcallback.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.http.client.ClientHttpResponse;

/**
 * P4 with a token file that changed since the last request, next to {@link TokenOnRequestBenchmark}'s unchanged
 * {@code file}: before every request (outside the timed part) the file's modification time is moved, so the file
 * store must read and parse it again, as after another process saved a login. This shows what the store's
 * change detection saves.
 * <p>
 * Per-invocation set-up makes JMH time each request on its own, which adds its own overhead; so this benchmark has
 * its own "none" (the same request without the interceptor, with the same per-invocation set-up) and the harness
 * subtracts that one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChangedTokenFileBenchmark {

	@Param({ "none", "file-changed" })
	public String store;

	private TokenOnRequestBenchmark.Fixture fixture;

	private FileTime first;

	private FileTime second;

	private boolean flip;

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		this.fixture = TokenOnRequestBenchmark.Fixture.create(this.store);
		if (this.fixture.file() != null) {
			this.first = Files.getLastModifiedTime(this.fixture.file());
			this.second = FileTime.fromMillis(this.first.toMillis() + 1000);
		}
	}

	/** Moves the token file's modification time between two values: every request sees a changed file. */
	@Setup(Level.Invocation)
	public void touch() throws IOException {
		if (this.fixture.file() != null) {
			this.flip = !this.flip;
			Files.setLastModifiedTime(this.fixture.file(), this.flip ? this.second : this.first);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		this.fixture.close();
	}

	@Benchmark
	public ClientHttpResponse request() throws IOException {
		return this.fixture.request();
	}

}
