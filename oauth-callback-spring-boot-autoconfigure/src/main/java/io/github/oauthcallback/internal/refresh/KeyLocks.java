package io.github.oauthcallback.internal.refresh;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * One reentrant lock per key (in this JVM), held only while someone holds or waits for it: a lock is forgotten once
 * nobody uses it, so the map does not grow with every key ever used.
 */
public final class KeyLocks {

	private final Map<String, KeyLock> locks = new ConcurrentHashMap<>();

	/**
	 * Runs the action while holding the lock of the key.
	 * @param key the key
	 * @param action what to run
	 * @return what the action returned
	 */
	public <T extends @Nullable Object> T locked(String key, Supplier<T> action) {
		KeyLock keyLock = this.locks.compute(key, (name, existing) -> {
			KeyLock used = (existing != null) ? existing : new KeyLock();
			used.users++;
			return used;
		});
		try {
			keyLock.lock.lock();
			try {
				return action.get();
			}
			finally {
				keyLock.lock.unlock();
			}
		}
		finally {
			this.locks.computeIfPresent(key, (name, used) -> (--used.users == 0) ? null : used);
		}
	}

	/** Number of locks currently held or waited for. */
	public int size() {
		return this.locks.size();
	}

	/** Number of threads holding or waiting for the lock of the key. */
	public int users(String key) {
		KeyLock keyLock = this.locks.get(key);
		return (keyLock != null) ? keyLock.users : 0;
	}

	/** A lock and how many threads hold or wait for it; changed only inside the map's atomic compute calls. */
	private static final class KeyLock {

		private final ReentrantLock lock = new ReentrantLock();

		private int users;

	}

}
