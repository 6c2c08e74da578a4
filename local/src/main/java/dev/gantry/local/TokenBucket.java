package dev.gantry.local;

import java.util.function.LongSupplier;

/**
 * A token bucket (the classic rate limiter): it holds at most {@code burst} tokens, gains {@code
 * rate} tokens a second, and each request takes one. A full bucket lets {@code burst} requests
 * through at once; after that, requests pass at {@code rate} a second. Thread-safe.
 *
 * <p>Written here rather than taken from Bucket4j, which is not among the build's dependencies and
 * does not resolve offline; one bucket per server suffices for a loopback server.
 */
final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final double ratePerSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  /**
   * @param ratePerSecond tokens gained a second, above 0
   * @param burst the most tokens held, at least 1; the bucket starts full
   * @param nanoTime the clock, {@link System#nanoTime} outside tests
   */
  TokenBucket(double ratePerSecond, int burst, LongSupplier nanoTime) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond) || burst < 1) {
      throw new IllegalArgumentException("a token bucket needs a rate above 0 and a burst of at least 1");
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.refilledAt = nanoTime.getAsLong();
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 when a token was taken, otherwise the nanoseconds until one will be there
   */
  synchronized long tryTake() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - refilledAt) / NANOS_PER_SECOND * ratePerSecond);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / ratePerSecond * NANOS_PER_SECOND);
  }
}
