/**
 * The embedded OpenID Connect provider of the sample's 'demo' profile: Spring Authorization Server in its own
 * application context on the loopback interface, started before the sample binds its client registrations.
 */
@NullMarked
package io.github.oauthcallback.sample.demo;

import org.jspecify.annotations.NullMarked;
