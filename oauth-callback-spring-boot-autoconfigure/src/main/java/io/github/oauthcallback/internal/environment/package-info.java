/**
 * Internal: no compatibility promise; may change in any release. What the run looks like (CI, terminal, SSH, WSL,
 * display) and which way a login takes there ({@link io.github.oauthcallback.internal.environment.LoginPlanner}).
 */
@NullMarked
package io.github.oauthcallback.internal.environment;

import org.jspecify.annotations.NullMarked;
