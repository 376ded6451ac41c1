/**
 * The start-up probe the P3 harness runs in a child JVM in place of an application's {@code main}, to record Spring
 * Boot's start-up steps. It is copied to the application's class path as a single class.
 */
@NullMarked
package io.github.oauthcallback.benchmarks.probe;

import org.jspecify.annotations.NullMarked;
