package io.github.oauthcallback.refresh;

import io.github.oauthcallback.internal.refresh.KeyLocks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.oauthcallback.support.TestThreads;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link KeyLocks}: callers of one key take turns, other keys do not wait, a thread may re-enter its own key, and no
 * lock is kept once nobody holds or waits for it (also after a failure).
 */
class KeyLocksTests {

	private final KeyLocks locks = new KeyLocks();

	@Test
	void callersOfOneKeyTakeTurnsAndTheLockIsForgottenAfterwards() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> first = holding("a", release, "first");
		AtomicBoolean secondRan = new AtomicBoolean();
		CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> this.locks.locked("a", () -> {
			secondRan.set(true);
			return "second";
		}), TestThreads.POOL);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.locks.users("a") == 2);
		assertThat(secondRan).as("the second caller waits for the first").isFalse();
		assertThat(this.locks.size()).isOne();
		release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
		assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("second");
		assertThat(this.locks.size()).as("no lock is kept once nobody uses it").isZero();
		assertThat(this.locks.users("a")).isZero();
	}

	@Test
	void anotherKeyDoesNotWait() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> first = holding("a", release, "a");
		String other = CompletableFuture.supplyAsync(() -> this.locks.locked("b", () -> "b"), TestThreads.POOL)
			.get(10, TimeUnit.SECONDS);
		assertThat(other).isEqualTo("b");
		assertThat(this.locks.size()).isOne();
		release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a");
		assertThat(this.locks.size()).isZero();
	}

	@Test
	void theHolderMayReenterItsKey() {
		String inner = this.locks.locked("a", () -> {
			assertThat(this.locks.users("a")).isOne();
			return this.locks.locked("a", () -> {
				assertThat(this.locks.users("a")).isEqualTo(2);
				return "inner";
			});
		});
		assertThat(inner).isEqualTo("inner");
		assertThat(this.locks.size()).isZero();
	}

	@Test
	void aFailingActionReleasesAndForgetsTheLock() throws Exception {
		assertThatIllegalStateException().isThrownBy(() -> this.locks.locked("a", () -> {
			throw new IllegalStateException("failed");
		}));
		assertThat(this.locks.size()).isZero();
		String next = CompletableFuture.supplyAsync(() -> this.locks.locked("a", () -> "next"), TestThreads.POOL)
			.get(10, TimeUnit.SECONDS);
		assertThat(next).isEqualTo("next");
	}

	/** Takes the lock of the key in another thread and keeps it until released; returns once it is held. */
	private CompletableFuture<String> holding(String key, CountDownLatch release, String result)
			throws InterruptedException {
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> this.locks.locked(key, () -> {
			holding.countDown();
			await(release);
			return result;
		}), TestThreads.POOL);
		assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
		return holder;
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
